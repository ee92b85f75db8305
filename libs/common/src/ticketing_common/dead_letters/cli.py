"""``<service> dead-letters ...``: the dead-letter tooling on the command line.

Every service that consumes has it (``ticketing_common.cli`` adds it), working on the
queues that service consumes, with the broker of its ``AMQP_URL``::

    search dead-letters count
    search dead-letters list [--reason rejected] [--limit 50] [--offset 0] [--json]
    search dead-letters show <id or event id> [--json]
    search dead-letters replay <id or event id>... | --all [--reason handler_failed]
    search dead-letters purge <id or event id>... | --all [--reason rejected] [--yes]

Exit status: 0 done; 1 a named dead letter was not found or not every one could be
acted on; 2 a usage error; 3 the broker did not answer or another operation holds the
dead letters.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from typing import TextIO

import aio_pika

from ticketing_common.dead_letters.letter import DeadLetter
from ticketing_common.dead_letters.queue import (
    BrokerUnavailable,
    Browse,
    DeadLetterQueue,
    DeadLettersBusy,
    Outcome,
    Selection,
    open_dead_letter_queue,
)
from ticketing_common.dead_letters.views import detail_of, outcome_of, summary_of
from ticketing_common.messaging.topology import QueueSpec

OK, PARTIAL, USAGE, UNAVAILABLE = 0, 1, 2, 3

Confirm = Callable[[str], bool]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "The messages this service's consumer could not apply wait in a dead-letter "
        "queue, with the reason: rejected (they can never be applied: not JSON, an "
        "unknown type, invalid data), handler_failed (the handler kept failing), "
        "delivery_limit (RabbitMQ gave up on them). Fix the cause, then replay them; "
        "purge those that must never be applied. A dead letter is named by the id "
        "`list` shows, or by the event id it carries."
    )
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--queue", help="one of the service's queues (default: all of them)")
    actions = parser.add_subparsers(dest="dead_letter_action", required=True, metavar="action")
    actions.add_parser("count", parents=[common], help="how many dead letters wait")
    listing = actions.add_parser("list", parents=[common], help="the dead letters, oldest first")
    listing.add_argument("--reason", help="only those of this reason (rejected, handler_failed...)")
    listing.add_argument("--limit", type=_positive, default=50)
    listing.add_argument("--offset", type=_not_negative, default=0)
    listing.add_argument("--json", action="store_true", help="JSON lines, one per dead letter")
    show = actions.add_parser(
        "show", parents=[common], help="one dead letter: reason, headers and body"
    )
    show.add_argument("key", help="its id (from list) or the event id it carries")
    show.add_argument("--json", action="store_true")
    for name, help_text in (
        ("replay", "send dead letters back to their queue"),
        ("purge", "remove dead letters for good"),
    ):
        action = actions.add_parser(name, parents=[common], help=help_text)
        action.add_argument("keys", nargs="*", metavar="key", help="ids or event ids")
        action.add_argument("--all", action="store_true", help="every dead letter (of --reason)")
        action.add_argument("--reason", help="with --all: only those of this reason")
        if name == "purge":
            action.add_argument("--yes", action="store_true", help="do not ask to confirm --all")


async def run(
    args: argparse.Namespace,
    *,
    queues: Sequence[QueueSpec],
    amqp_url: str,
    out: TextIO = sys.stdout,
    confirm: Confirm | None = None,
) -> int:
    """Run the action ``args`` names; the exit status."""
    chosen = _chosen_queues(args, queues, out)
    if chosen is None:
        return USAGE
    action: str = args.dead_letter_action
    if action in {"replay", "purge"} and bool(args.keys) == bool(args.all):
        print("name the dead letters to act on, or give --all (not both)", file=out)
        return USAGE
    if action in {"replay", "purge"} and args.reason and not args.all:
        print("--reason goes with --all", file=out)
        return USAGE
    status = OK
    try:
        for spec in chosen:
            async with open_dead_letter_queue(amqp_url, spec) as dead_letters:
                status = max(status, await _run_one(action, args, dead_letters, out, confirm))
    except (BrokerUnavailable, DeadLettersBusy) as exc:
        print(f"error: {exc}", file=out)
        return UNAVAILABLE
    except aio_pika.exceptions.ChannelNotFoundEntity as exc:
        print(
            f"error: {exc.args[-1] if exc.args else exc}: has the service started once "
            "against this broker (it declares its queues)?",
            file=out,
        )
        return UNAVAILABLE
    except (ConnectionError, aio_pika.exceptions.AMQPError) as exc:
        print(f"error: the broker went away ({type(exc).__name__})", file=out)
        return UNAVAILABLE
    return status


async def _run_one(
    action: str,
    args: argparse.Namespace,
    dead_letters: DeadLetterQueue,
    out: TextIO,
    confirm: Confirm | None,
) -> int:
    spec = dead_letters.spec
    if action == "count":
        print(f"{spec.name}: {await dead_letters.count()} in {spec.dead_letter_queue}", file=out)
        return OK
    if action == "list":
        browse = await dead_letters.browse(offset=args.offset, limit=args.limit, reason=args.reason)
        if args.json:
            for letter in browse.letters:
                print(summary_of(letter).model_dump_json(), file=out)
        else:
            print(format_browse(browse, offset=args.offset), file=out)
        return OK
    if action == "show":
        found = await dead_letters.find(args.key)
        for letter in found:
            print(
                detail_of(letter).model_dump_json(indent=2) if args.json else format_detail(letter),
                file=out,
            )
        return OK if found else _nothing(args.key, spec, out)
    selection = Selection(
        keys=None if args.all else frozenset(args.keys), reason=args.reason if args.all else None
    )
    if action == "purge" and args.all and not args.yes:
        what = f"every {args.reason} dead letter" if args.reason else "every dead letter"
        question = f"Purge {what} of {spec.name} for good? [y/N] "
        if not (confirm or _ask)(question):
            print("nothing purged", file=out)
            return USAGE
    outcome = (
        await dead_letters.replay(selection)
        if action == "replay"
        else await dead_letters.purge(selection)
    )
    print(format_outcome(outcome), file=out)
    return PARTIAL if outcome.failed or outcome.not_found else OK


def format_browse(browse: Browse, *, offset: int = 0) -> str:
    lines = [f"{browse.queue}: {browse.total} dead letter(s)"]
    if not browse.letters:
        return "\n".join(lines)
    lines.append(
        f"{'ID':<16}  {'DEAD-LETTERED AT':<20}  {'REASON':<15}  {'EVENT TYPE':<22}  "
        f"{'EVENT ID':<36}  DETAIL"
    )
    for letter in browse.letters:
        at = (
            letter.dead_lettered_at.strftime("%Y-%m-%d %H:%M:%SZ")
            if letter.dead_lettered_at
            else "-"
        )
        lines.append(
            f"{letter.id:<16}  {at:<20}  {letter.reason[:15]:<15}  "
            f"{(letter.event_type or '-')[:22]:<22}  {(letter.message_id or '-')[:36]:<36}  "
            f"{_one_line(letter.detail or '', 80)}"
        )
    if browse.more:
        lines.append(f"... more: --offset {offset + len(browse.letters)}")
    return "\n".join(lines)


def format_detail(letter: DeadLetter) -> str:
    detail = detail_of(letter)
    rows = [
        ("id", detail.id),
        ("queue", f"{detail.queue} (replayed there)"),
        ("reason", detail.reason),
        ("detail", detail.detail or "-"),
        (
            "dead-lettered at",
            detail.dead_lettered_at.isoformat() if detail.dead_lettered_at else "-",
        ),
        ("event id", detail.event_id or "-"),
        ("event type", detail.event_type or "-"),
        ("correlation id", detail.correlation_id or "-"),
        ("routing key", detail.original_routing_key or "-"),
        ("replays", str(detail.replays)),
        ("content type", detail.content_type or "-"),
        ("published at", detail.published_at.isoformat() if detail.published_at else "-"),
    ]
    lines = [f"{name + ':':<18}{value}" for name, value in rows]
    lines.append("headers:")
    lines.extend(
        f"  {name}: {json.dumps(value, ensure_ascii=False)}"
        for name, value in detail.headers.items()
    )
    lines.append(f"body ({detail.body_encoding}, {detail.body_size} bytes):")
    lines.append(_indent(_pretty(detail.body) if detail.body_encoding == "utf-8" else detail.body))
    return "\n".join(lines)


def format_outcome(outcome: Outcome) -> str:
    view = outcome_of(outcome)
    verb = "replayed" if outcome.action == "replay" else "purged"
    lines = [f"{view.queue}: {len(view.done)} {verb}"]
    lines.extend(f"  {verb} {key}" for key in view.done)
    lines.extend(f"  FAILED {failed.id}: {failed.error}" for failed in view.failed)
    lines.extend(f"  not found: {key}" for key in view.not_found)
    return "\n".join(lines)


def _chosen_queues(
    args: argparse.Namespace, queues: Sequence[QueueSpec], out: TextIO
) -> list[QueueSpec] | None:
    if not queues:
        print("this service consumes no queue, so it has no dead letters", file=out)
        return None
    if args.queue is None:
        return list(queues)
    chosen = [spec for spec in queues if spec.name == args.queue]
    if not chosen:
        names = ", ".join(spec.name for spec in queues)
        print(f"unknown queue {args.queue!r}; this service consumes: {names}", file=out)
        return None
    return chosen


def _nothing(key: str, spec: QueueSpec, out: TextIO) -> int:
    print(f"{spec.name}: no dead letter named {key}", file=out)
    return PARTIAL


def _ask(question: str) -> bool:
    if not sys.stdin.isatty():
        print("no terminal to confirm purging everything: add --yes", file=sys.stderr)
        return False
    return input(question).strip().lower() in {"y", "yes"}


def _pretty(body: str) -> str:
    try:
        return json.dumps(json.loads(body), indent=2, ensure_ascii=False)
    except ValueError:
        return body


def _indent(text: str) -> str:
    return "\n".join(f"  {line}" for line in text.splitlines() or [""])


def _one_line(text: str, limit: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return number


def _not_negative(value: str) -> int:
    number = int(value)
    if number < 0:
        raise argparse.ArgumentTypeError("must be 0 or more")
    return number
