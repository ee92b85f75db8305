"""A bare FastAPI endpoint served exactly as the services are served (the same
``ticketing_common.cli.server_config``: uvloop and httptools when installed,
no access log, lifespan on): the ceiling of the web stack on this machine.

``python -m bench.limits.bare_app --port N``; ``POST /v1/echo`` reads a JSON body
and answers 202, as a declaration does, without middleware, authentication or
database.
"""

from __future__ import annotations

import argparse
from typing import Any

import uvicorn
from fastapi import Body, FastAPI

from ticketing_common.cli import server_config

app = FastAPI(title="bare")


@app.post("/v1/echo", status_code=202)
async def echo(body: dict[str, Any] = Body()) -> dict[str, str]:
    return {"declaration_id": str(len(body)), "status": "accepted"}


@app.get("/healthz")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    config = server_config(app, host=args.host, port=args.port)
    uvicorn.Server(config).run()


if __name__ == "__main__":
    main()
