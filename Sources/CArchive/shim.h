#include <archive.h>
#include <archive_entry.h>
/* AE_IF* are cast macros, which Swift does not import. */
static const unsigned int CA_IFREG = AE_IFREG;
static const unsigned int CA_IFDIR = AE_IFDIR;
