# One INTERFACE target carries every compile setting (as qBittorrent's CommonConfig does);
# every Warden target links it and nothing sets directory-wide flags.
add_library(warden_build_settings INTERFACE)
add_library(Warden::BuildSettings ALIAS warden_build_settings)

target_compile_features(warden_build_settings INTERFACE cxx_std_20)
set(CMAKE_CXX_EXTENSIONS OFF)

target_compile_options(warden_build_settings INTERFACE
    $<$<COMPILE_LANGUAGE:CXX>:-Wall -Wextra -Wpedantic -Wold-style-cast -Wnon-virtual-dtor -Woverloaded-virtual>
    $<$<AND:$<COMPILE_LANGUAGE:CXX>,$<BOOL:${WARDEN_WARNINGS_AS_ERRORS}>>:-Werror>)

target_compile_definitions(warden_build_settings INTERFACE
    QT_NO_CAST_FROM_ASCII
    QT_NO_CAST_TO_ASCII
    QT_NO_CAST_FROM_BYTEARRAY
    QT_NO_CONTEXTLESS_CONNECT
    QT_NO_NARROWING_CONVERSIONS_IN_CONNECT
    QT_USE_QSTRINGBUILDER
    QT_STRICT_ITERATORS
    QT_NO_KEYWORDS
    WARDEN_VERSION="${PROJECT_VERSION}")

if(WARDEN_SANITIZERS)
    list(JOIN WARDEN_SANITIZERS "," _warden_san)
    target_compile_options(warden_build_settings INTERFACE -fsanitize=${_warden_san} -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
    target_link_options(warden_build_settings INTERFACE -fsanitize=${_warden_san})
endif()

find_program(WARDEN_CCACHE ccache)
if(WARDEN_CCACHE AND NOT CMAKE_CXX_COMPILER_LAUNCHER)
    set(CMAKE_CXX_COMPILER_LAUNCHER "${WARDEN_CCACHE}")
    set(CMAKE_C_COMPILER_LAUNCHER "${WARDEN_CCACHE}")
endif()
