// Every TEST() and TEST_GROUP() is a static object with a destructor, which
// the compiler registers from the image's constructors with
// __cxa_atexit(dtor, obj, &__dso_handle). Kernel code has no such objects, so
// the image links no crt files, and __dso_handle (crtbegin.o's) is missing.
// The kernel never runs static destructors (start_kernel never returns; exit()
// ends only an app), so there is nothing to register either: newlib's
// __cxa_atexit would only fill its table and malloc() past 32 entries.
extern "C" {
[[gnu::visibility("hidden")]] void* __dso_handle = &__dso_handle;

int __cxa_atexit(void (*)(void*), void*, void*) { return 0; }
}
