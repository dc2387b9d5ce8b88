"""Web app latency: page load (HTTP GET /) and first answer (gradio_client, api_name="ask").

    python benchmarks/web_latency.py                      # starts app.py on a free loopback port
    python benchmarks/web_latency.py --url http://127.0.0.1:7860/   # measures a running app

Starting the app (index build, model load) is reported apart: the target is page load and first
answer under 5 s once the app is up.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
QUESTIONS = [
    "Quelle organisation gère le refuge pour les victimes de la traite ?",
    "Who runs the shelter for victims of trafficking in Jordan?",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def get(url: str) -> float:
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=30) as response:
        response.read()
    return time.perf_counter() - started


def wait_until_up(url: str, process: subprocess.Popen, timeout: float = 600) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"app exited with {process.returncode}")
        try:
            get(url)
            return
        except OSError:
            time.sleep(0.5)
    raise SystemExit("app did not start in time")


def measure(url: str) -> dict:
    from gradio_client import Client

    results: dict = {"page_load_s": [round(get(url), 3) for _ in range(3)]}
    started = time.perf_counter()
    client = Client(url, verbose=False)
    results["client_connect_s"] = round(time.perf_counter() - started, 3)
    answers = []
    for question in QUESTIONS:
        started = time.perf_counter()
        answer = client.predict(question, None, api_name="/ask")
        answers.append(
            {
                "question": question,
                "seconds": round(time.perf_counter() - started, 3),
                "citations": len(answer["citations"]),
                "abstained": answer["abstained"],
            }
        )
    results["first_answer_s"] = answers[0]["seconds"]
    results["answers"] = answers
    return results


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--url", help="measure this running app instead of starting one")
    args = parser.parse_args()
    if args.url:
        print(json.dumps(measure(args.url), indent=2))
        return
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    with tempfile.TemporaryDirectory(prefix="casebook-bench-") as home:
        env = {**os.environ, "CASEBOOK_HOME": home, "CASEBOOK_PORT": str(port), "CASEBOOK_HOST": "127.0.0.1"}
        env.update(HF_HUB_OFFLINE="1", GRADIO_ANALYTICS_ENABLED="False")
        started = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, "app.py"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            wait_until_up(url, process)
            results = {"startup_s": round(time.perf_counter() - started, 1), **measure(url)}
        finally:
            process.terminate()
            process.wait(timeout=30)
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
