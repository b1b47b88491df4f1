# Finds the OpenCV modules saring uses. Debian ships OpenCVConfig.cmake only in the meta package
# libopencv-dev (which pulls in every module); saring needs a handful, so fall back to locating
# headers and libraries of the installed per-module -dev packages. Defines opencv_<module> targets.
set(_saring_cv_modules ${SaringOpenCV_FIND_COMPONENTS})
find_package(OpenCV QUIET CONFIG COMPONENTS ${_saring_cv_modules})
if(OpenCV_FOUND)
  foreach(m IN LISTS _saring_cv_modules)
    if(NOT TARGET saring_opencv_${m})
      add_library(saring_opencv_${m} INTERFACE IMPORTED)
      target_link_libraries(saring_opencv_${m} INTERFACE opencv_${m})
    endif()
  endforeach()
  set(SaringOpenCV_FOUND TRUE)
  return()
endif()

find_path(SaringOpenCV_INCLUDE_DIR opencv2/core.hpp PATH_SUFFIXES opencv4)
set(SaringOpenCV_FOUND TRUE)
foreach(m IN LISTS _saring_cv_modules)
  find_library(SaringOpenCV_${m}_LIBRARY NAMES opencv_${m})
  if(NOT SaringOpenCV_${m}_LIBRARY OR NOT SaringOpenCV_INCLUDE_DIR)
    if(SaringOpenCV_FIND_REQUIRED_${m})
      set(SaringOpenCV_FOUND FALSE)
      list(APPEND _saring_cv_missing ${m})
    endif()
    continue()
  endif()
  if(NOT TARGET saring_opencv_${m})
    add_library(saring_opencv_${m} UNKNOWN IMPORTED)
    set_target_properties(saring_opencv_${m} PROPERTIES
      IMPORTED_LOCATION "${SaringOpenCV_${m}_LIBRARY}"
      INTERFACE_INCLUDE_DIRECTORIES "${SaringOpenCV_INCLUDE_DIR}")
  endif()
  set(SaringOpenCV_${m}_FOUND TRUE)
endforeach()
if(NOT SaringOpenCV_FOUND AND SaringOpenCV_FIND_REQUIRED)
  message(FATAL_ERROR "OpenCV modules not found: ${_saring_cv_missing}. "
                      "Run scripts/install-deps.sh (Debian: libopencv-<module>-dev).")
endif()
