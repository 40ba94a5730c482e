#include "Tool.h"

#include "common/StrictJson.h"

namespace warden::toolschema {

Json errorEnvelope()
{
    return Json::parse(R"({
      "type": "object",
      "required": ["error"],
      "properties": {
        "error": {
          "type": "object",
          "required": ["code", "message", "hints", "details"],
          "properties": {
            "code": {"type": "string", "description": "Stable error code, e.g. FIELD_NOT_ALLOWED"},
            "message": {"type": "string"},
            "hints": {"type": "array", "items": {"type": "string"}},
            "details": {"type": "object"}
          }
        }
      }
    })");
}

Json outputSchema(Json successSchema)
{
    Json s = Json::object();
    s["type"] = "object";
    s["anyOf"] = Json::array({std::move(successSchema), errorEnvelope()});
    return s;
}

Json readOnlyAnnotations()
{
    return {{"readOnlyHint", true}, {"destructiveHint", false}, {"idempotentHint", true}, {"openWorldHint", false}};
}

Json successResult(const Json &structured, std::string text)
{
    if (text.empty())
        text = StrictJson::dump(structured);
    Json block = Json::object();
    block["type"] = "text";
    block["text"] = std::move(text);
    Json r = Json::object();
    r["content"] = Json::array({std::move(block)});
    r["structuredContent"] = structured;
    r["isError"] = false;
    return r;
}

Json errorResult(const Error &error)
{
    std::string text = std::string(errorCodeName(error.code)) + ": " + error.message;
    for (const auto &h : error.hints)
        text += "\nHint: " + h;
    Json block = Json::object();
    block["type"] = "text";
    block["text"] = std::move(text);
    Json structured = Json::object();
    structured["error"] = error.toJson();
    Json r = Json::object();
    r["content"] = Json::array({std::move(block)});
    r["structuredContent"] = std::move(structured);
    r["isError"] = true;
    return r;
}

} // namespace warden::toolschema
