"""A real JupyterLab: started by ``make lab`` on a free loopback port with a token, used over its REST
API and kernel websocket, then shut down through the API."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
import requests
import websocket
from jupyter_client.jsonutil import json_default
from jupyter_client.session import Session

from cxlab.analyses import sector_gap
from cxlab.report.blocks import FINDINGS_MIMETYPE
from tests.labdriver import Lab, running_lab

WIDGET = "application/vnd.jupyter.widget-view+json"


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    with running_lab(tmp_path_factory.mktemp("jupyter")) as server:
        yield server


def test_lab_needs_the_token_and_serves_the_notebooks(lab: Lab) -> None:
    assert requests.get(f"{lab.url}/api/contents", timeout=30).status_code == 403
    listing = lab.api("GET", "/api/contents").json()
    names = {item["name"] for item in listing["content"]}
    assert {"sector_gap.ipynb", "service_scorecard.ipynb", "drivers.ipynb", "catalog.yml"} <= names
    assert lab.api("GET", "/api/kernelspecs").json()["default"] == "python3"
    page = lab.api("GET", "/lab")
    assert page.ok and "JupyterLab" in page.text


def _run_cell(channel: websocket.WebSocket, session: Session, code: str) -> list[dict]:
    """Execute ``code`` in the kernel; the outputs it produced (iopub), in order."""
    request = session.msg("execute_request", {"code": code, "silent": False, "store_history": True,
                                              "user_expressions": {}, "allow_stdin": False, "stop_on_error": True})
    channel.send(json.dumps({**request, "channel": "shell"}, default=json_default))
    outputs, replied, idle = [], False, False
    while not (replied and idle):
        message = json.loads(channel.recv())
        if message["parent_header"].get("msg_id") != request["header"]["msg_id"]:
            continue
        kind = message["msg_type"]
        replied |= kind == "execute_reply"
        idle |= kind == "status" and message["content"]["execution_state"] == "idle"
        if kind in ("display_data", "execute_result", "stream", "error"):
            outputs.append({"type": kind, **message["content"]})
    return outputs


def test_a_notebook_runs_in_a_kernel_the_server_started(lab: Lab) -> None:
    notebook = lab.api("GET", "/api/contents/sector_gap.ipynb").json()["content"]
    started = lab.api("POST", "/api/sessions", json={"path": "sector_gap.ipynb", "name": "sector_gap.ipynb",
                                                     "type": "notebook", "kernel": {"name": "python3"}}).json()
    kernel = started["kernel"]["id"]
    channel = websocket.create_connection(
        f"{lab.url.replace('http', 'ws')}/api/kernels/{kernel}/channels?token={lab.token}", timeout=180)
    session = Session(key=b"")
    try:
        ran = [(cell["source"], _run_cell(channel, session, cell["source"]))
               for cell in notebook["cells"] if cell["cell_type"] == "code"]
    finally:
        channel.close()
    assert not [out for _, outs in ran for out in outs if out["type"] == "error"]
    explorer = next(outs for source, outs in ran if "explore(" in source)
    assert WIDGET in explorer[0]["data"]  # in JupyterLab the notebook shows its explorer
    # ... in place of the static findings, so the page shows one set of findings: the explorer's
    assert not [out for _, outs in ran for out in outs if FINDINGS_MIMETYPE in out.get("data", {})]
    charts = [out for _, outs in ran for out in outs if "<figure" in out.get("data", {}).get("text/html", "")]
    expected = sector_gap.run(index="ACSI", lower="federal_government", upper="national")
    assert charts[0]["data"]["text/plain"] == expected.scores_chart.text
    assert lab.api("DELETE", f"/api/sessions/{started['id']}").status_code == 204
    assert lab.api("GET", "/api/kernels").json() == []


def test_lab_shuts_down_cleanly(lab: Lab) -> None:
    assert lab.api("POST", "/api/shutdown").status_code == 200
    assert lab.process.wait(timeout=60) == 0
