#!/usr/bin/env python3
"""The peer for the training-at-scale figures: implicit's ALS (64 factors,
15 iterations, all cores) on the positives of a MovieLens ratings.csv, the
same positives Marquee's import turns into liked titles (a rating above 2).
Prints the fit time. Needs numpy, scipy and implicit (pip install implicit).

Usage: OPENBLAS_NUM_THREADS=1 peer-als.py DIR/ratings.csv  (implicit asks for one BLAS thread)
"""
import sys
import time

import numpy as np
import scipy.sparse as sp


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    from implicit.als import AlternatingLeastSquares

    data = np.loadtxt(sys.argv[1], delimiter=",", skiprows=1, usecols=(0, 1, 2))
    data = data[data[:, 2] > 2]
    users, u = np.unique(data[:, 0].astype(np.int64), return_inverse=True)
    items, i = np.unique(data[:, 1].astype(np.int64), return_inverse=True)
    x = sp.csr_matrix((np.ones(len(u), dtype=np.float32), (u, i)), shape=(len(users), len(items)))
    model = AlternatingLeastSquares(factors=64, iterations=15, random_state=1)
    started = time.time()
    model.fit(x, show_progress=False)
    print(f"implicit ALS: {len(users)} users, {len(items)} items, {x.nnz} positives, "
          f"fit in {time.time() - started:.2f} s")


if __name__ == "__main__":
    main()
