// GCC 12 at -O3 reports -Wrestrict inside libstdc++'s std::string (a short literal assigned, or a literal joined with
// operator+) where source and destination cannot overlap: a false positive (GCC bug 105329). Test code that trips it
// goes between these two lines; nothing else is silenced, and no other compiler is affected.
#pragma once

#if defined(__GNUC__) && !defined(__clang__)
#define DUPLEX_GCC_RESTRICT_BUG_BEGIN _Pragma("GCC diagnostic push") _Pragma("GCC diagnostic ignored \"-Wrestrict\"")
#define DUPLEX_GCC_RESTRICT_BUG_END _Pragma("GCC diagnostic pop")
#else
#define DUPLEX_GCC_RESTRICT_BUG_BEGIN
#define DUPLEX_GCC_RESTRICT_BUG_END
#endif
