# MeanAbsoluteError and Huber losses and their gradients (float32, as Keras computes them) on a
# 2x3 batch, written to regression_loss_refs.json by
# `python regression_loss_refs.py > regression_loss_refs.json` (TensorFlow 2.21 / Keras 3).
import os
os.environ["TF_CPP_MIN_LOG_LEVEL"]="3"
import numpy as np, tensorflow as tf, keras, json
y = np.array([[1.0, 2.0, -0.5], [0.0, 3.0, 1.5]], dtype=np.float64)
p = np.array([[1.5, 0.2, -0.5], [2.5, 2.8, 0.25]], dtype=np.float64)
out = {"y_true": y.tolist(), "y_pred": p.tolist()}
for name, loss in [("mae", keras.losses.MeanAbsoluteError()), ("mae_sum", keras.losses.MeanAbsoluteError(reduction="sum")),
                   ("huber", keras.losses.Huber()), ("huber_delta", keras.losses.Huber(delta=0.3)), ("huber_sum", keras.losses.Huber(delta=2.0, reduction="sum"))]:
    for dt, tag in [(np.float32, "f32"), (np.float64, "f64")]:
        yp = tf.Variable(p.astype(dt))
        with tf.GradientTape() as t:
            l = loss(tf.constant(y.astype(dt)), yp)
        g = t.gradient(l, yp)
        out[f"{name}_{tag}"] = {"loss": float(l.numpy()), "grad": g.numpy().tolist()}
print(json.dumps(out))
