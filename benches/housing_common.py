"""What the housing scripts in `benches/` share: sklearn's eight California-housing features built
from `data/california_housing.csv` as `reference/peers_bench.py` section (d) builds them (rows with
a missing `total_bedrooms` dropped: 20,433 remain), and the seed's Keras model with its SGD step.
Imported by `housing_equivalence.py`, `housing_tf_seeds.py` and `peers_train.py`; not run in CI."""
import csv, os

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CSV = os.path.join(ROOT, "data", "california_housing.csv")


def load_features(path=CSV):
    """(X, Y) as float32: MedInc, HouseAge, AveRooms, AveBedrms, Population, AveOccup, Latitude,
    Longitude; target median_house_value / 100000."""
    X, Y = [], []
    for r in csv.DictReader(open(path)):
        if r["total_bedrooms"] == "":
            continue
        h = float(r["households"])
        X.append([float(r["median_income"]), float(r["housing_median_age"]), float(r["total_rooms"]) / h,
                  float(r["total_bedrooms"]) / h, float(r["population"]), float(r["population"]) / h,
                  float(r["latitude"]), float(r["longitude"])])
        Y.append(float(r["median_house_value"]) / 1e5)
    return np.array(X, np.float32), np.array(Y, np.float32)


def model_and_step(tf, relu_output=False):
    """Dense(128, relu) -> Dense(1) (linear, or relu with `relu_output`), SGD 0.01, and a
    `tf.function` step on the mean squared error that returns the batch loss."""
    # Layers are made in this order (hidden first): Keras draws their initial weights in it.
    hidden = tf.keras.layers.Dense(128, activation="relu")
    out = tf.keras.layers.Dense(1, activation="relu" if relu_output else None)
    m = tf.keras.Sequential([tf.keras.Input((8,)), hidden, out])
    o = tf.keras.optimizers.SGD(learning_rate=0.01)

    @tf.function
    def step(xb, yb):
        with tf.GradientTape() as t:
            l = tf.reduce_mean(tf.square(m(xb)[:, 0] - yb))
        o.apply_gradients(zip(t.gradient(l, m.trainable_variables), m.trainable_variables))
        return l

    return m, step
