#pragma once

#include <rapidjson/document.h>

#include "edge/protocol/shape.h"

namespace nimbus::protocol {

// Params carry blobs as raw bytes; JSON text (fixtures, the codec tool) carries them as base64.
// Converts every blob under `value` (shaped like `shape`) in place, in the given direction.
void ConvertBlobs(const Shape& shape, rapidjson::Value& value,
                  rapidjson::Document::AllocatorType& alloc, bool to_base64);

}  // namespace nimbus::protocol
