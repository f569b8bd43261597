//! Parameter containers: visiting every parameter of a model (for optimizers).
