"""Equivalence check, Python half: re-runs the housing run of `reference/peers_bench.py` section (d)
with the linear output (TensorFlow, tf.function, f32) and writes everything that run drew at
random, so that this project's training can replay it exactly:

  - the split (row indices into the 20,433 rows that have every field, in file order),
  - TensorFlow's standardisation statistics (numpy, f32, population std),
  - the initial weights of Dense(128, relu) -> Dense(1),
  - the index sequence of every random batch of 32 (20 epochs x len(train)/32 steps),
  - TF's trajectory: the first steps' losses, and per epoch the mean batch loss and the
    validation MSE.

`cargo run --release --example housing_equivalence` reads the file and trains with the same
`loss_grad` + `Sgd` path as the `housing` example. Not run in CI (needs tensorflow-cpu).

Usage (from the repository root):
    python benches/housing_equivalence.py [OUT]   (default benches/results/housing_tf_trajectory.json)
The file is about 2 MB and is not committed.
"""
import json, os, sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import numpy as np
import tensorflow as tf

from housing_common import ROOT, load_features, model_and_step

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "benches", "results", "housing_tf_trajectory.json")

# Data, features and split exactly as reference/peers_bench.py section (d).
X, Y = load_features()
idx = np.random.default_rng(1).permutation(len(X)); n_test = len(X) // 4
te, tr = idx[:n_test], idx[n_test:]; n_val = len(tr) // 4
va, tr = tr[:n_val], tr[n_val:]
mu, sd = X[tr].mean(0), X[tr].std(0)
Xtr, Xva = (X[tr] - mu) / sd, (X[va] - mu) / sd
Ytr, Yva = Y[tr], Y[va]

# peers_bench.py builds the relu-output model first, then re-seeds and builds the linear one.
tf.keras.utils.set_random_seed(1)
tf.keras.Sequential([tf.keras.Input((8,)), tf.keras.layers.Dense(128, activation="relu"), tf.keras.layers.Dense(1, activation="relu")])
tf.keras.utils.set_random_seed(1)
m, step = model_and_step(tf)
k1, b1, k2, b2 = [w.numpy() for w in m.trainable_variables]


def mse(x, y):
    return float(np.mean((m(x).numpy()[:, 0] - y) ** 2))


epochs, steps = 20, len(Xtr) // 32
r2 = np.random.default_rng(2)
batches, first_losses, train_mse, val_mse = [], [], [], []
for e in range(epochs):
    losses = []
    for s in range(steps):
        b = r2.integers(0, len(Xtr), 32)
        batches.extend(int(i) for i in b)
        losses.append(float(step(Xtr[b], Ytr[b])))
    if e == 0:
        first_losses = losses[:50]
    train_mse.append(float(np.mean(np.array(losses, np.float64))))
    val_mse.append(mse(Xva, Yva))
    print(f"epoch {e + 1:2d} train_mse={train_mse[-1]:.4f} val_mse={val_mse[-1]:.4f}", file=sys.stderr)

f32 = lambda a: [float(v) for v in np.asarray(a, np.float32).ravel()]  # noqa: E731
json.dump({
    "source": "reference/peers_bench.py section (d), linear output; TensorFlow " + tf.__version__,
    "rows": int(len(X)),
    "train_idx": [int(i) for i in tr], "val_idx": [int(i) for i in va], "test_idx": [int(i) for i in te],
    "mean": f32(mu), "std": f32(sd),
    "kernel_1": f32(k1), "bias_1": f32(b1), "kernel_2": f32(k2), "bias_2": f32(b2),
    "kernel_1_shape": list(k1.shape), "kernel_2_shape": list(k2.shape),
    "epochs": epochs, "steps_per_epoch": steps, "batch_size": 32, "learning_rate": 0.01,
    "batches": batches,
    "first_step_losses": first_losses, "train_mse": train_mse, "val_mse": val_mse,
}, open(OUT, "w"))
print(f"wrote {OUT}; final val_mse={val_mse[-1]:.4f}", file=sys.stderr)
