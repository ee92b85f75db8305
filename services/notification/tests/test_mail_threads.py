"""An incident's whole life as the recipients' mail server receives it: content and
language per recipient, one thread per incident, headers nobody can forge. The
messages are read back from the raw bytes with the standard library's parser."""

from __future__ import annotations

from datetime import timedelta
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from email.utils import getaddresses

from notification.adapters.smtp_endpoint import parse_smtp_url
from notification.adapters.smtp_transport import SmtpTransport
from notification.domain.mailbox import parse_mailbox
from notification.domain.retry import RetryPolicy
from notification.handlers.sending import Sending
from ticketing_common.db.engine import SessionFactory
from ticketing_common.events.parts import Actor, ActorKind, Recipient
from ticketing_common.reference import Language
from ticketing_common.reference import TicketStatus as S
from ticketing_devkit.mailcatcher import MailCatcher, ReceivedMail

from .factories import DECLARER, comment_added, declared, jeanne, status_change, ticket_updated
from .support import declare, update_ticket


def sender_for(session_factory: SessionFactory, url: str) -> Sending:
    return Sending(
        session_factory=session_factory,
        transport=SmtpTransport(parse_smtp_url(url), timeout_seconds=5),
        sender=parse_mailbox("Incident desk <incidents@ticketing.invalid>"),
        policy=RetryPolicy(max_attempts=3, base_seconds=0.05, max_seconds=0.2),
        batch_size=50,
        lease=timedelta(seconds=60),
        hourly_limit=1000,
    )


async def send_everything(session_factory: SessionFactory, catcher: MailCatcher) -> None:
    sending = sender_for(session_factory, catcher.url)
    while await sending.send_due():
        pass


def parsed(mail: ReceivedMail) -> EmailMessage:
    message = message_from_bytes(mail.raw, policy=default)
    assert isinstance(message, EmailMessage)
    return message


def body(message: EmailMessage, subtype: str) -> str:
    part = message.get_body(preferencelist=(subtype,))
    assert part is not None
    content: str = part.get_content()
    return content


async def test_each_recipient_follows_the_incident_in_one_thread_in_their_language(
    session_factory: SessionFactory, mail_catcher: MailCatcher
) -> None:
    event = declared()
    data = event.data
    await declare(session_factory, event)
    for change in (
        ticket_updated(data),
        status_change(
            data, version=2, from_status=S.NEW, to_status=S.ACKNOWLEDGED, action="acknowledge"
        ),
        comment_added(data, version=3, comment="Internal: check the firewall", public=False),
        status_change(
            data,
            version=4,
            from_status=S.ACKNOWLEDGED,
            to_status=S.PENDING_CUSTOMER,
            action="request_info",
            comment="Which VPN client version do you use?",
        ),
        status_change(
            data,
            version=5,
            from_status=S.PENDING_CUSTOMER,
            to_status=S.IN_PROGRESS,
            action="customer_reply",
            actor=DECLARER,
            comment="Version 4.2",
        ),
        comment_added(data, version=6, comment="A fix is being deployed."),
        status_change(
            data,
            version=7,
            from_status=S.IN_PROGRESS,
            to_status=S.RESOLVED,
            action="resolve",
            comment="The gateway was patched.",
        ),
    ):
        await update_ticket(session_factory, change)
    await send_everything(session_factory, mail_catcher)

    # Jeanne wrote the answer herself: she gets no copy of it.
    expected = {
        "jeanne.martin@example.com": ("fr", 6),
        "paul@example.com": ("fr", 7),
        "noc@example.com": ("en", 7),
    }
    assert len(mail_catcher.messages) == sum(count for _, count in expected.values())
    for address, (language, count) in expected.items():
        mails = mail_catcher.to(address)
        assert len(mails) == count, address
        messages = [parsed(mail) for mail in mails]
        for mail, message in zip(mails, messages, strict=True):
            # Only this recipient, in the envelope and in the headers.
            assert mail.recipients == (address,)
            assert [a for _, a in getaddresses([str(message["To"])])] == [address]
            assert message["Content-Language"] == language
            assert message["Auto-Submitted"] == "auto-generated"
        root, *later = messages
        root_id = root["Message-ID"]
        assert root["In-Reply-To"] is None
        assert root["References"] is None
        ids = {m["Message-ID"] for m in messages}
        assert len(ids) == count
        for message in later:
            assert message["In-Reply-To"] == root_id
            assert message["References"] == root_id
        # The ticket's emails share one subject: the number and the customer's reference.
        assert {m["Subject"] for m in later} == {"[INC0001234] VPN down in Lyon"}
        texts = [body(m, "plain") for m in messages]
        assert not any("firewall" in text for text in texts)
        if language == "fr":
            assert root["Subject"] == "Déclaration d'incident reçue – VPN down in Lyon"
            assert "enregistré sous le numéro INC0001234" in texts[1]
            assert "pris en compte" in texts[2]
            assert "Which VPN client version do you use?" in texts[3]
            assert "confirmez la résolution" in texts[-1]
            assert "The gateway was patched." in body(messages[-1], "html")
        else:
            assert root["Subject"] == "Incident declaration received – VPN down in Lyon"
            assert "registered as INC0001234" in texts[1]
            assert "needs information from you" in texts[3]
            assert "confirm the resolution" in texts[-1]
    jeanne_texts = [body(parsed(m), "plain") for m in mail_catcher.to("jeanne.martin@example.com")]
    assert not any("Version 4.2" in text for text in jeanne_texts)
    paul_texts = [body(parsed(m), "plain") for m in mail_catcher.to("paul@example.com")]
    assert any("Jeanne Martin a répondu au support" in t and "Version 4.2" in t for t in paul_texts)


async def test_line_breaks_in_reference_and_names_add_no_header_and_no_recipient(
    session_factory: SessionFactory, mail_catcher: MailCatcher
) -> None:
    injection = "\r\nBcc: attacker@evil.example\r\nX-Injected: yes"
    event = declared(
        customer_reference=f"VPN down{injection}",
        interlocutor=jeanne(name=f"Jeanne{injection}"),
        notify=[
            Recipient(
                name="Paul\nCc: attacker@evil.example",
                email="paul@example.com",
                language=Language.EN,
            )
        ],
    )
    await declare(session_factory, event)
    await update_ticket(session_factory, ticket_updated(event.data))
    eve = Actor(kind=ActorKind.CUSTOMER, sub="u-666", name=f"Eve{injection}")
    await update_ticket(
        session_factory, comment_added(event.data, version=2, comment=f"Hi{injection}", actor=eve)
    )
    await send_everything(session_factory, mail_catcher)

    assert len(mail_catcher.messages) == 6
    for mail in mail_catcher.messages:
        assert mail.recipients in {("jeanne.martin@example.com",), ("paul@example.com",)}
        headers = mail.raw.split(b"\r\n\r\n", 1)[0]
        names = {line.split(b":", 1)[0] for line in headers.split(b"\r\n") if line[:1] != b" "}
        assert not names & {b"Bcc", b"Cc", b"X-Injected"}
        message = parsed(mail)
        assert message["Bcc"] is None
        assert message["Cc"] is None
        assert message["X-Injected"] is None
        assert len(getaddresses([str(message["To"])])) == 1
        assert "\n" not in str(message["Subject"])
        assert "VPN down Bcc: attacker@evil.example X-Injected: yes" in str(message["Subject"])
        for line in body(message, "plain").splitlines():
            assert not line.startswith(("Bcc:", "Cc:", "X-Injected:"))
    [to_paul] = [
        m for m in mail_catcher.to("paul@example.com") if "comment" in body(parsed(m), "plain")
    ]
    assert str(parsed(to_paul)["To"]).startswith('"Paul Cc: attacker@evil.example"')
