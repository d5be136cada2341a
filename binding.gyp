# node-gyp build (the default on `npm install`). Sources and per-ISA flags come from
# native/sources.json, which CMakeLists.txt reads too. gyp has no per-file flags, so each ISA
# group is a static library with its own cflags; the addon links them all. No -march=native and
# no -ffast-math anywhere: the addon must run on any CPU of its architecture and must not change
# the process's floating-point mode.
{
  'target_defaults': {
    'cflags!': ['-fno-exceptions'],
    'cflags_cc!': ['-fno-exceptions', '-std=gnu++17'],
    # -ffp-contract=off: a*b+c is never silently fused into an FMA in one ISA's file and not in
    # another's, so every ISA computes element-wise formulas bit for bit alike.
    # -fno-math-errno: sqrt need not set errno, so loops with sqrt vectorise; results are unchanged.
    'cflags': ['-fPIC', '-fvisibility=hidden', '-ffp-contract=off', '-fno-math-errno', '-Wall', '-Wextra'],
    'cflags_cc': ['-std=c++17', '-fexceptions'],
    'defines': ['NAPI_VERSION=8', 'NDEBUG'],
    'xcode_settings': {
      'GCC_ENABLE_CPP_EXCEPTIONS': 'YES',
      'CLANG_CXX_LANGUAGE_STANDARD': 'c++17',
      'MACOSX_DEPLOYMENT_TARGET': '11.0',
    },
    'msvs_settings': { 'VCCLCompilerTool': { 'ExceptionHandling': 1 } },
  },
  'targets': [
    {
      'target_name': 'dropnet',
      'sources': [
        '<!@(node -p "require(\'./native/sources.json\').groups.core.sources.join(\' \')")',
        '<!@(node -p "require(\'./native/sources.json\').groups.bench.sources.join(\' \')")',
        '<!@(node -p "require(\'./native/sources.json\').groups.addon.sources.join(\' \')")',
      ],
      'dependencies': ["<!(node -p \"require('node-addon-api').targets\"):node_addon_api_except"],
      'conditions': [
        ['target_arch=="x64"', {
          'dependencies': ['dropnet_avx2', 'dropnet_avx512'],
          'defines': ['DN_HAVE_AVX2', 'DN_HAVE_AVX512'],
        }],
        ['target_arch=="arm64"', {
          'dependencies': ['dropnet_neon'],
          'defines': ['DN_HAVE_NEON'],
        }],
      ],
    },
  ],
  'conditions': [
    ['target_arch=="x64"', {
      'targets': [
        {
          'target_name': 'dropnet_avx2',
          'type': 'static_library',
          'sources': ['<!@(node -p "require(\'./native/sources.json\').groups.avx2.sources.join(\' \')")'],
          'cflags': ['<!@(node -p "require(\'./native/sources.json\').groups.avx2.flags.join(\' \')")'],
          'xcode_settings': { 'OTHER_CFLAGS': ['-mavx2', '-mfma'] },
        },
        {
          'target_name': 'dropnet_avx512',
          'type': 'static_library',
          'sources': ['<!@(node -p "require(\'./native/sources.json\').groups.avx512.sources.join(\' \')")'],
          'cflags': ['<!@(node -p "require(\'./native/sources.json\').groups.avx512.flags.join(\' \')")'],
          'xcode_settings': { 'OTHER_CFLAGS': ['-mavx512f', '-mavx512bw', '-mavx512dq', '-mavx512vl', '-mfma'] },
        },
      ],
    }],
    ['target_arch=="arm64"', {
      'targets': [
        {
          'target_name': 'dropnet_neon',
          'type': 'static_library',
          'sources': ['<!@(node -p "require(\'./native/sources.json\').groups.neon.sources.join(\' \')")'],
        },
      ],
    }],
  ],
}
