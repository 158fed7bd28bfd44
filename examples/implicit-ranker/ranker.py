#!/usr/bin/env python3
"""A reference external ranker for Marquee: implicit's ALS, trained from
`marquee export events`, speaking Marquee's ranker protocol (version 1,
docs/ranker-protocol.md) on stdin/stdout, or over HTTP with --http PORT.

    marquee export events --format csv --out events.csv
    marquee export catalog --format csv --out catalog.csv
    marquee --ranker 'python3 examples/implicit-ranker/ranker.py --events events.csv --catalog catalog.csv'
    # or: python3 ranker.py --events events.csv --http 8765 &
    #     marquee --ranker http://127.0.0.1:8765/rank

Each score request is answered from the request's own history (folded into
the trained item factors with implicit's recalculate_user), not from what
the export said about the user: a page reflects feedback given a moment ago,
and in `marquee eval` the ranker sees the training part only. Every score
comes with its contributions (implicit's explain: the history titles that
produced it) and a reason naming the one that did most.

Needs numpy, scipy and implicit (pip install implicit). Logs go to stderr.
"""
import argparse
import csv
import json
import os
import sys
import time

# implicit's ALS asks for one BLAS thread (it parallelises itself).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np
import scipy.sparse as sp

VERSION = 1
# What each event is worth as implicit feedback (a thumbs down removes the title).
WEIGHTS = {"up": 2.0, "love": 3.0, "list-add": 0.5}
EXPLAINED = 12  # top titles per page that get their contributions explained


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def read_events(path):
    """(user, title) -> confidence, from an `export events` CSV or JSON lines file."""
    if path.endswith(".csv"):
        with open(path, newline="") as f:
            rows = list(csv.DictReader(f))
    else:
        with open(path) as f:
            rows = [json.loads(line) for line in f if line.strip()]
    conf = {}
    for r in rows:
        key = (r["user"], r["title"])
        action = r["action"]
        if action == "play":
            conf[key] = conf.get(key, 0.0) + float(r["progress"] or 0)
        elif action == "down":
            conf[key] = -1e9
        else:
            conf[key] = conf.get(key, 0.0) + WEIGHTS.get(action, 0.0)
    return {k: v for k, v in conf.items() if v > 0}


def history_weight(h):
    if h.get("thumb") == "down":
        return 0.0
    w = float(h.get("watched", 0.0))
    w += {"up": 2.0, "love": 3.0}.get(h.get("thumb"), 0.0)
    w += 0.5 if h.get("in_list") else 0.0
    return w


class Ranker:
    def __init__(self, events, factors, iterations, alpha, seed, names):
        from implicit.cpu.als import AlternatingLeastSquares

        self.names = names
        conf = read_events(events)
        users = sorted({u for u, _ in conf})
        self.titles = sorted({t for _, t in conf})
        self.index = {t: i for i, t in enumerate(self.titles)}
        uix = {u: i for i, u in enumerate(users)}
        rows = [uix[u] for u, _ in conf]
        cols = [self.index[t] for _, t in conf]
        vals = np.array([alpha * v for v in conf.values()], dtype=np.float32)
        x = sp.csr_matrix((vals, (rows, cols)), shape=(len(users), len(self.titles)))
        self.alpha = alpha
        self.model = AlternatingLeastSquares(
            factors=factors, iterations=iterations, regularization=0.05, random_state=seed
        )
        started = time.time()
        self.model.fit(x, show_progress=False)
        log(f"implicit ALS: {len(users)} users, {len(self.titles)} titles, {x.nnz} positives, "
            f"fit in {time.time() - started:.2f} s")

    def user_row(self, history):
        cols, vals = [], []
        for h in history:
            i = self.index.get(h["title"])
            w = history_weight(h)
            if i is not None and w > 0:
                cols.append(i)
                vals.append(self.alpha * w)
        return sp.csr_matrix(
            (np.array(vals, dtype=np.float32), ([0] * len(cols), cols)), shape=(1, len(self.titles))
        )

    def score(self, req):
        row = self.user_row(req["history"])
        if row.nnz == 0:
            # No history the model knows: no opinion; Marquee orders these itself.
            return {"version": VERSION, "id": req["id"], "scores": []}
        user = self.model.recalculate_user(0, row)
        known = [(t, self.index[t]) for t in req["candidates"] if t in self.index]
        if not known:
            return {"version": VERSION, "id": req["id"], "scores": []}
        scores = self.model.item_factors[[i for _, i in known]] @ np.asarray(user).ravel()
        order = np.argsort(-scores, kind="stable")
        out = []
        weights = None
        for rank, j in enumerate(order):
            title, item = known[j]
            entry = {"title": title, "score": float(scores[j])}
            if rank < EXPLAINED:
                _, parts, weights = self.model.explain(0, row, item, user_weights=weights, N=3)
                top = sorted(parts, key=lambda p: -p[1])[:3]
                # Named by the history title each part comes from.
                entry["contributions"] = {self.names.get(self.titles[i], self.titles[i]): float(c) for i, c in top}
                if top and top[0][1] > 0:
                    anchor = self.titles[top[0][0]]
                    entry["reason"] = f"Because you watched {self.names.get(anchor, anchor)} (ALS)"
            else:
                entry["contributions"] = {"als": float(scores[j])}
            out.append(entry)
        return {"version": VERSION, "id": req["id"], "scores": out}

    def handle(self, req):
        if req.get("version") != VERSION:
            return {"version": VERSION, "id": req.get("id"), "error": f"version {req.get('version')} is not spoken here"}
        if req.get("type") == "hello":
            return {"version": VERSION, "type": "hello", "name": "implicit-als"}
        want = min(req["want"], len(req["candidates"]))
        reply = self.score(req)
        if 0 < len(reply["scores"]) < want:
            # Titles the model never saw get no opinion of their own: the lowest score.
            seen = {s["title"] for s in reply["scores"]}
            floor = min(s["score"] for s in reply["scores"]) - 1.0
            for t in req["candidates"]:
                if len(reply["scores"]) >= want:
                    break
                if t not in seen:
                    reply["scores"].append({"title": t, "score": floor, "contributions": {"unseen": floor}})
        if len(reply["scores"]) == 0 and want > 0:
            return {"version": VERSION, "id": req["id"], "error": "no history this model knows: nothing to score from"}
        return reply


def serve_stdio(r):
    for line in sys.stdin:
        if line.strip():
            print(json.dumps(r.handle(json.loads(line))), flush=True)


def serve_http(r, port):
    import http.server

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            req = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            body = json.dumps(r.handle(req)).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *a):
            pass

    server = http.server.HTTPServer(("127.0.0.1", port), Handler)
    log(f"serving the ranker protocol on http://127.0.0.1:{server.server_address[1]}/rank")
    print(server.server_address[1], flush=True)
    server.serve_forever()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--events", required=True, help="`marquee export events` output (.csv or .jsonl)")
    ap.add_argument("--catalog", help="`marquee export catalog` output (.csv), for title names in reasons")
    ap.add_argument("--factors", type=int, default=32)
    ap.add_argument("--iterations", type=int, default=15)
    ap.add_argument("--alpha", type=float, default=10.0)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--http", type=int, metavar="PORT", help="serve HTTP on 127.0.0.1:PORT (0: any free port, printed)")
    a = ap.parse_args()
    names = {}
    if a.catalog:
        with open(a.catalog, newline="") as f:
            names = {row["title"]: row["name"] for row in csv.DictReader(f)}
    r = Ranker(a.events, a.factors, a.iterations, a.alpha, a.seed, names)
    if a.http is not None:
        serve_http(r, a.http)
    else:
        serve_stdio(r)


if __name__ == "__main__":
    main()
