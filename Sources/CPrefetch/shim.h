/* A cache-line prefetch, which Swift has no spelling for: the recurrent sweep's backward pass asks
 * for the next step's saved states one step ahead (PackedSweep.swift). */
static inline void recur_prefetch(const void *address) { __builtin_prefetch(address, 0, 3); }
/* The same for a line about to be written. */
static inline void recur_prefetch_for_write(void *address) { __builtin_prefetch(address, 1, 3); }
