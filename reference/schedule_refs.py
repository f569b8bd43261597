# InverseTimeDecay and PolynomialDecay at chosen steps (float32, as Keras evaluates them),
# written to schedule_refs.json by `python schedule_refs.py > schedule_refs.json`
# (TensorFlow 2.21 / Keras 3).
import os
os.environ["TF_CPP_MIN_LOG_LEVEL"]="3"
import numpy as np, tensorflow as tf, keras, json
S = keras.optimizers.schedules
steps = [0, 1, 5, 9, 10, 11, 19, 20, 25, 99, 100, 101, 250, 1000]
cases = {
  "inverse_time": S.InverseTimeDecay(0.1, 10, 0.5),
  "inverse_time_staircase": S.InverseTimeDecay(0.1, 10, 0.5, staircase=True),
  "polynomial": S.PolynomialDecay(0.1, 100),
  "polynomial_power": S.PolynomialDecay(0.1, 100, end_learning_rate=0.01, power=0.5),
  "polynomial_cycle": S.PolynomialDecay(0.1, 100, end_learning_rate=0.01, power=2.0, cycle=True),
}
out = {"steps": steps}
for k, s in cases.items():
    out[k] = [float(np.float32(s(st))) for st in steps]
print(json.dumps(out))
