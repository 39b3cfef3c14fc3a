import RecurCore

// OpenBLAS picks its kernels in its library constructor, before this line runs, so choosing
// faster ones means setting OPENBLAS_CORETYPE and starting the process again.
FastKernels.reexecIfNeeded()
Recur.main()
