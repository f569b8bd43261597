//! Differentiable matrix operations: activations, row-wise softmax family, broadcasting and
//! reductions, each with its own derivative rule.
