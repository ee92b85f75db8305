from bench.profiling import NO_PYTHON_FRAME, package_of, parse_collapsed, summarize

MAIN = "main (intake/entrypoints/cli.py:84);run (asyncio/runners.py:118)"
RAW = [
    ";".join(
        (
            MAIN,
            "declare (intake/handlers/declarations.py:52)",
            "execute (sqlalchemy/orm/session.py:2555)",
            "__do_execute (asyncpg/prepared_stmt.py:257) 6",
        )
    ),
    f"{MAIN};emit (ticketing_common/db/unit_of_work.py:40);dumps (json/encoder.py:200) 2",
    " 2",
]


def test_packages_from_py_spy_paths() -> None:
    assert package_of("sqlalchemy/orm/session.py") == "sqlalchemy"
    assert package_of("threading.py") == "threading"
    assert package_of("<frozen abc>") == "abc"
    assert package_of("/x/.venv/lib/python3.11/site-packages/jwt/api_jwt.py") == "jwt"
    assert package_of("") == NO_PYTHON_FRAME


def test_summary_by_self_inclusive_and_our_code() -> None:
    stacks = parse_collapsed(RAW)
    assert sum(stacks.values()) == 10
    summary = summarize("intake", stacks)
    assert summary.samples == 10
    assert dict(summary.packages) == {"asyncpg": 0.6, "json": 0.2, NO_PYTHON_FRAME: 0.2}
    inclusive = dict(summary.inclusive)
    assert inclusive["intake"] == 0.8
    assert inclusive["sqlalchemy"] == 0.6
    assert inclusive["ticketing_common"] == 0.2
    assert summary.ours[0] == ("declare (intake/handlers/declarations.py:52)", 0.6)
