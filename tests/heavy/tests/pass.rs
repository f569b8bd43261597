//! Programs that must compile and run: constructs at the edge of what `#[differentiable]`
//! accepts (a generic `T: Real` used at `f32` and `f64`, a `#[no_grad]` struct parameter,
//! `stop_gradient` on a plain call, `wrt` on a method of a plain struct). Each program is a
//! module with one test. (As `trybuild` pass cases they made the compile-fail runs build every
//! dependency in full, about two and a half minutes of CI; here they build with the other
//! tests.)

#[path = "pass/generic_real.rs"]
mod generic_real;
#[path = "pass/no_grad_struct_param.rs"]
mod no_grad_struct_param;
#[path = "pass/stop_gradient_plain_call.rs"]
mod stop_gradient_plain_call;
#[path = "pass/wrt_method_plain_struct.rs"]
mod wrt_method_plain_struct;
