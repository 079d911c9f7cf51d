/* Test-harness shim for wine < 9: Rust's std (1.78+) imports bcryptprimitives.dll!ProcessPrng,
 * which wine 8 does not export. This DLL provides it by forwarding to advapi32's SystemFunction036
 * (RtlGenRandom). Built by scripts/test-windows.sh with mingw-w64 and loaded only inside the test's
 * wine prefix (WINEDLLOVERRIDES=bcryptprimitives=n,b). Never shipped. */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T size)
{
    while (size > 0) {
        ULONG chunk = size > 0x10000000 ? 0x10000000 : (ULONG)size;
        if (!SystemFunction036(data, chunk))
            return FALSE;
        data += chunk;
        size -= chunk;
    }
    return TRUE;
}
