// Kernels allocate scratch tiles on the stack and overwrite what they use: zeroing them on every
// call would be pure per-call overhead.
[module: System.Runtime.CompilerServices.SkipLocalsInit]
