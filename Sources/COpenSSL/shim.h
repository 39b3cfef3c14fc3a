/* SHA-256 for bundle checksums. */
#include <openssl/evp.h>
