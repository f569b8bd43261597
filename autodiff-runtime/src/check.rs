//! Finite-difference checks of gradients (filled in by the check module work).
