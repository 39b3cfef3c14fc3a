/* OpenMPI's handles (MPI_COMM_WORLD, MPI_FLOAT, ...) are macros over casts, which Swift does not
   import; these accessors hand them over as values. */
#include <mpi.h>
static inline MPI_Comm cmpi_comm_world(void) { return MPI_COMM_WORLD; }
static inline MPI_Datatype cmpi_float(void) { return MPI_FLOAT; }
static inline MPI_Datatype cmpi_double(void) { return MPI_DOUBLE; }
static inline MPI_Op cmpi_sum(void) { return MPI_SUM; }
static inline void *cmpi_in_place(void) { return MPI_IN_PLACE; }
