/*
 * Test fixture, not part of spoolscope: a stand-in for bcryptprimitives.dll.
 *
 * Rust's standard library (1.78+) takes its random bytes from ProcessPrng in
 * bcryptprimitives.dll, which Wine 8 does not ship, so a Rust .exe fails to
 * load there. This DLL exports ProcessPrng and fills the buffer from
 * RtlGenRandom (advapi32's SystemFunction036), which Wine does have.
 * wine-smoke.sh builds it with MinGW and puts it next to spoolscope.exe.
 *
 *   x86_64-w64-mingw32-gcc -shared -O2 -o bcryptprimitives.dll processprng.c -ladvapi32
 */
#include <windows.h>

/* RtlGenRandom; declared here so no ntsecapi.h quirks are needed. */
BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len)
{
    while (len > 0) {
        ULONG chunk = len > 0x40000000u ? 0x40000000u : (ULONG)len;
        if (!SystemFunction036(data, chunk))
            return FALSE;
        data += chunk;
        len -= chunk;
    }
    return TRUE;
}
