"""The housing protocol (seed 001 §5.5: 8 -> 128 relu -> 1, SGD 0.01, 20 epochs of len(train)/32
random batches of 32) in TensorFlow over several seeds, to see how much the validation MSE
varies with the split, the initial weights and the batches. Not run in CI.

Usage: python benches/housing_tf_seeds.py [seeds...]   (default 1 2 3 4 5)
Prints one JSON line per seed: {"seed", "out", "val_mse", "test_mse"}.
"""
import json, os, sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import numpy as np
import tensorflow as tf

from housing_common import load_features, model_and_step

X, Y = load_features()

for seed in [int(s) for s in sys.argv[1:]] or [1, 2, 3, 4, 5]:
    idx = np.random.default_rng(seed).permutation(len(X))
    n_test = -(-len(X) // 4)
    te, tr = idx[:n_test], idx[n_test:]
    n_val = -(-len(tr) // 4)
    va, tr = tr[:n_val], tr[n_val:]
    mu, sd = X[tr].mean(0), X[tr].std(0)
    Xtr, Xva, Xte = (X[tr] - mu) / sd, (X[va] - mu) / sd, (X[te] - mu) / sd
    tf.keras.utils.set_random_seed(seed)
    m, step = model_and_step(tf)

    r2 = np.random.default_rng(seed + 1)
    for _ in range(20):
        for _ in range(len(Xtr) // 32):
            b = r2.integers(0, len(Xtr), 32)
            step(Xtr[b], Y[tr][b])
    mse = lambda x, y: float(np.mean((m(x).numpy()[:, 0] - y) ** 2))  # noqa: E731
    print(json.dumps({"seed": seed, "out": "linear", "val_mse": mse(Xva, Y[va]), "test_mse": mse(Xte, Y[te])}), flush=True)
