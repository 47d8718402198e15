/* A DLL for the SEC_IMAGE tests: code (.text), constants (.rdata), initialized data (.data) and
 * zero-initialized data (.bss, large with -DBSS_SIZE), and a pointer from .data to .rdata (a base
 * relocation). Built by the tests, never committed. */
#ifndef BSS_SIZE
#define BSS_SIZE 4096
#endif
__declspec(dllexport) const char image_rdata[64] = "filemapping SEC_IMAGE .rdata";
char image_data[64] = "filemapping SEC_IMAGE .data";
char image_bss[BSS_SIZE];
__declspec(dllexport) int image_function(int x) { return x * 3 + image_data[0] + image_rdata[1] + image_bss[2]; }
__declspec(dllexport) const char *image_pointer = image_rdata;
