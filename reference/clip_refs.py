# Optimizer trajectories with Keras gradient clipping (global_clipnorm, clipvalue):
# three steps of SGD, Adam and RMSprop on a 2x3 and a length-2 variable, written to
# clip_refs.json by `python clip_refs.py > clip_refs.json` (TensorFlow 2.21 / Keras 3).
import os
os.environ["TF_CPP_MIN_LOG_LEVEL"]="3"
import numpy as np, tensorflow as tf, keras, json
W0 = np.array([[0.5,-1.0,2.0],[0.25,3.0,-0.75]], dtype=np.float32)
b0 = np.array([1.5,-2.0], dtype=np.float32)
gW = np.array([[3.0,-4.0,0.5],[1.0,-2.0,6.0]], dtype=np.float32)
gb = np.array([0.3,-0.1], dtype=np.float32)
out = {}
def run(name, opt):
    W = tf.Variable(W0); b = tf.Variable(b0)
    for t in range(3):
        s = np.float32(1.0 + 0.5*t)
        g = [tf.constant(gW*s), tf.constant(gb*s)]
        if t == 2:
            g = [tf.constant(gW*s*0.01), tf.constant(gb*s*0.01)]
        opt.apply_gradients(zip(g, [W, b]))
    out[name] = {"W": W.numpy().flatten().tolist(), "b": b.numpy().tolist()}
for kind, val in [("global_clipnorm", 2.0), ("clipvalue", 0.5)]:
    run("sgd_"+kind, keras.optimizers.SGD(learning_rate=0.1, **{kind: val}))
    run("adam_"+kind, keras.optimizers.Adam(learning_rate=0.1, **{kind: val}))
    run("rmsprop_"+kind, keras.optimizers.RMSprop(learning_rate=0.1, **{kind: val}))
print(json.dumps(out))
