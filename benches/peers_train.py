"""Training workloads in TensorFlow (tf.function) and JAX (jit) next to this project's, in one run
on one machine, so the ratios share the machine's load. Not run in CI.

Usage (from the repository root; needs numpy, tensorflow-cpu and jax[cpu]):
    python benches/peers_train.py > train_peers.json
    python benches/peers_train.py --big    # only the compute-bound step, JAX and ours alternately

It times, per step or per epoch:
  1. the 32 -> 32 (relu) -> 10 step, batch 64, CCE from logits, Adam (reference/peers_bench.py's);
  2. the 784 -> 256 (relu) -> 256 (relu) -> 10 step, batch 128, f32;
  3. one housing epoch (seed 001: 8 -> 128 relu -> 1, SGD 0.01, 359 random batches of 32);
then runs `cargo bench --bench train` and `cargo run --release --example housing -- --epochs 5`
and prints everything as JSON with the load average before and after.
"""
import json, os, re, subprocess, sys, time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import numpy as np
import tensorflow as tf
import jax, jax.numpy as jnp

from housing_common import load_features, model_and_step

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def loadavg():
    with open("/proc/loadavg") as f:
        return f.read().split()[:3]


def timeit(fn, n, warm=5):
    for _ in range(warm):
        fn()
    runs = []
    for _ in range(7):
        t = time.perf_counter()
        for _ in range(n):
            fn()
        runs.append((time.perf_counter() - t) / n * 1e6)
    return sorted(runs)[len(runs) // 2]  # median microseconds per call


def adam_jit(loss):
    @jax.jit
    def step(p, m, v, t, x, y):
        l, g = jax.value_and_grad(loss)(p, x, y)
        m = jax.tree_util.tree_map(lambda m, g: 0.9 * m + 0.1 * g, m, g)
        v = jax.tree_util.tree_map(lambda v, g: 0.999 * v + 0.001 * g * g, v, g)
        p = jax.tree_util.tree_map(lambda p, m, v: p - 1e-3 * (m / (1 - 0.9 ** t)) / (jnp.sqrt(v / (1 - 0.999 ** t)) + 1e-7), p, m, v)
        return p, m, v, l
    return step


def mlp(sizes, batch, seed):
    rng = np.random.default_rng(seed)
    x = rng.random((batch, sizes[0]), dtype=np.float32)
    y = rng.random((batch, sizes[-1]), dtype=np.float32)
    layers = [tf.keras.Input((sizes[0],))]
    layers += [tf.keras.layers.Dense(s, activation="relu") for s in sizes[1:-1]] + [tf.keras.layers.Dense(sizes[-1])]
    model = tf.keras.Sequential(layers)
    loss_fn = tf.keras.losses.CategoricalCrossentropy(from_logits=True)
    opt = tf.keras.optimizers.Adam()
    tx, ty = tf.constant(x), tf.constant(y)

    @tf.function
    def tf_step():
        with tf.GradientTape() as t:
            loss = loss_fn(ty, model(tx, training=True))
        opt.apply_gradients(zip(t.gradient(loss, model.trainable_variables), model.trainable_variables))
        return loss

    keys = jax.random.split(jax.random.PRNGKey(seed), len(sizes))
    params = {}
    for k in range(len(sizes) - 1):
        lim = (6 / (sizes[k] + sizes[k + 1])) ** 0.5
        params[f"w{k}"] = jax.random.uniform(keys[k], (sizes[k], sizes[k + 1]), minval=-lim, maxval=lim)
        params[f"b{k}"] = jnp.zeros(sizes[k + 1])

    def jloss(p, x, y):
        h = x
        for k in range(len(sizes) - 2):
            h = jax.nn.relu(h @ p[f"w{k}"] + p[f"b{k}"])
        k = len(sizes) - 2
        lo = h @ p[f"w{k}"] + p[f"b{k}"]
        return jnp.mean(-jnp.sum(y * jax.nn.log_softmax(lo), -1))

    step = adam_jit(jloss)
    zeros = jax.tree_util.tree_map(jnp.zeros_like, params)
    state = [params, zeros, zeros, 1.0]
    jx, jy = jnp.array(x), jnp.array(y)

    def jax_step():
        p, m, v, l = step(state[0], state[1], state[2], state[3], jx, jy)
        state[0], state[1], state[2] = p, m, v
        state[3] += 1
        l.block_until_ready()

    return tf_step, jax_step


def housing_epoch_tf(path):
    X, Y = load_features(path)
    idx = np.random.default_rng(1).permutation(len(X))
    tr = idx[len(X) // 4:]
    tr = tr[len(tr) // 4:]
    mu, sd = X[tr].mean(0), X[tr].std(0)
    Xtr, Ytr = (X[tr] - mu) / sd, Y[tr]
    m, step = model_and_step(tf)

    r2 = np.random.default_rng(2)
    steps = len(Xtr) // 32

    def epoch():
        for _ in range(steps):
            b = r2.integers(0, len(Xtr), 32)
            step(Xtr[b], Ytr[b])

    epoch()  # trace
    t = time.perf_counter()
    for _ in range(3):
        epoch()
    return (time.perf_counter() - t) / 3


def ours():
    env = dict(os.environ)
    bench = subprocess.run(["cargo", "bench", "-p", "autodiff-benches", "--bench", "train"], cwd=ROOT, capture_output=True, text=True, env=env).stdout
    out = {}
    for line in bench.splitlines():
        m = re.match(r"(\S+)\s+(nn\+optim|hand)\s+([\d.]+) us/step\s+(\d+) allocations", line)
        if m:
            out[f"{m.group(1)}_{m.group(2)}_us"] = float(m.group(3))
            out[f"{m.group(1)}_{m.group(2)}_allocations"] = int(m.group(4))
    housing = subprocess.run(["cargo", "run", "--release", "--example", "housing", "--", "--epochs", "5", "--out", "/tmp"],
                             cwd=ROOT, capture_output=True, text=True, env=env)
    m = re.search(r"trained 5 epochs in ([\d.]+)s", housing.stderr)
    if m:
        out["housing_s_per_epoch"] = float(m.group(1)) / 5
    return out


def big_only():
    """`--big`: only the compute-bound step, JAX and ours alternately (twice each), so that both
    see the same load; the time is each side's best of its two medians."""
    _, jax_big = mlp([784, 256, 256, 10], 128, 3)
    subprocess.run(["cargo", "build", "--release", "-p", "autodiff-benches", "--bench", "train"], cwd=ROOT, capture_output=True)
    res = {"load_before": loadavg(), "jax_jit_us": [], "autodiff_us": []}
    for _ in range(2):
        res["jax_jit_us"].append(timeit(jax_big, 50))
        out = subprocess.run(["cargo", "bench", "-p", "autodiff-benches", "--bench", "train", "--", "big"], cwd=ROOT, capture_output=True, text=True).stdout
        m = re.search(r"mlp_784_256_256_10_b128_adam nn\+optim\s+([\d.]+) us/step", out)
        res["autodiff_us"].append(float(m.group(1)) if m else None)
    res["load_after"] = loadavg()
    res["ours_over_jax"] = min(res["autodiff_us"]) / min(res["jax_jit_us"])
    print(json.dumps(res, indent=1))
    sys.exit(0)


if "--big" in sys.argv:
    big_only()
res = {"load_before": loadavg()}
tf_small, jax_small = mlp([32, 32, 10], 64, 0)
res["mlp_32_32_10_b64_adam_us"] = {"tf_function": timeit(tf_small, 300), "jax_jit": timeit(jax_small, 1000)}
tf_big, jax_big = mlp([784, 256, 256, 10], 128, 3)
res["mlp_784_256_256_10_b128_adam_us"] = {"tf_function": timeit(tf_big, 30), "jax_jit": timeit(jax_big, 50)}
res["housing_epoch_s"] = {"tf_function": housing_epoch_tf(os.path.join(ROOT, "data", "california_housing.csv"))}
res["autodiff"] = ours()
res["load_after"] = loadavg()
print(json.dumps(res, indent=1))
