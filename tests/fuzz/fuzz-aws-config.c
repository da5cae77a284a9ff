/* placeholder */
#include <stdint.h>
#include <stddef.h>
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size) { return 0; }
