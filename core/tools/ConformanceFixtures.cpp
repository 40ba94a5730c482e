#include "ConformanceFixtures.h"

#include "Tool.h"
#include "ToolRegistry.h"
#include "common/StrictJson.h"
#include "protocol/LogLevel.h"
#include "protocol/Outbound.h"
#include "protocol/PromptCatalog.h"
#include "protocol/RequestContext.h"
#include "protocol/ResourceCatalog.h"

#include <QCoreApplication>
#include <QTimer>

#include <functional>
#include <utility>

namespace warden {
namespace {

// Literal values the suite's reference server uses (a 1x1 PNG and a 44-byte WAV header),
// in standard base64 with padding: the client checks them with atob().
const char *const kPngBase64 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwA"
                               "FBQIAX8jx0gAAAABJRU5ErkJggg==";
const char *const kWavBase64 = "UklGRiYAAABXQVZFZm10IBAAAAABAAEAQB8AAAB9AAACABAAZGF0YQIAAAA=";

// The fixtures' notifications and delays are paced by the event loop, never by sleeping:
// call() runs on the session thread, which also serves every other request.
void after(int ms, std::function<void()> fn)
{
    QTimer::singleShot(ms, QCoreApplication::instance(), std::move(fn));
}

Json textBlock(std::string text)
{
    Json b = Json::object();
    b["type"] = "text";
    b["text"] = std::move(text);
    return b;
}

Json imageBlock()
{
    Json b = Json::object();
    b["type"] = "image";
    b["data"] = kPngBase64;
    b["mimeType"] = "image/png";
    return b;
}

Json resourceBlock(std::string uri, std::string mimeType, std::string text)
{
    Json r = Json::object();
    r["uri"] = std::move(uri);
    r["mimeType"] = std::move(mimeType);
    r["text"] = std::move(text);
    Json b = Json::object();
    b["type"] = "resource";
    b["resource"] = std::move(r);
    return b;
}

// A CallToolResult without structuredContent: the fixtures declare no outputSchema.
Json contentResult(Json content, bool isError = false)
{
    Json r = Json::object();
    r["content"] = std::move(content);
    if (isError)
        r["isError"] = true;
    return r;
}

void respondText(const std::shared_ptr<RequestContext> &ctx, std::string text)
{
    ctx->respond(contentResult(Json::array({ textBlock(std::move(text)) })));
}

void respondFailure(const std::shared_ptr<RequestContext> &ctx, std::string text)
{
    ctx->respond(contentResult(Json::array({ textBlock(std::move(text)) }), true));
}

// An error the client sent back for one of our server-to-client requests, as a tool error.
void respondClientError(const std::shared_ptr<RequestContext> &ctx, const std::string &method,
                        const Json &error)
{
    const int code = error.is_object() ? error.value("code", 0) : 0;
    respondFailure(ctx, "The client answered " + method + " with error " + std::to_string(code));
}

Json emptyObjectSchema()
{
    Json s = Json::object();
    s["type"] = "object";
    s["properties"] = Json::object();
    return s;
}

Json stringArgumentSchema(const char *name, const char *description)
{
    Json prop = Json::object();
    prop["type"] = "string";
    prop["description"] = description;
    Json s = Json::object();
    s["type"] = "object";
    s["properties"] = Json::object();
    s["properties"][name] = std::move(prop);
    s["required"] = Json::array({ name });
    return s;
}

std::string stringArgument(const Json &arguments, const char *name)
{
    const auto it = arguments.find(name);
    return it != arguments.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// One fixture tool: a fixed definition and a handler.
class FixtureTool : public Tool
{
public:
    using Handler = std::function<void(const std::shared_ptr<RequestContext> &, const Json &)>;

    FixtureTool(std::string name, std::string description, Json inputSchema, Handler handler)
        : m_name(std::move(name))
        , m_handler(std::move(handler))
    {
        m_definition = Json::object();
        m_definition["name"] = m_name;
        m_definition["description"] = std::move(description);
        m_definition["inputSchema"] = std::move(inputSchema);
    }

    std::string name() const override { return m_name; }
    Json definition() const override { return m_definition; }
    void call(const std::shared_ptr<RequestContext> &ctx, const Json &arguments) override
    {
        m_handler(ctx, arguments);
    }

private:
    std::string m_name;
    Json m_definition;
    Handler m_handler;
};

// Sends elicitation/create and answers with what the client returned.
void elicit(const std::shared_ptr<RequestContext> &ctx, Json params, std::string prefix)
{
    ctx->requestClient(
        "elicitation/create", std::move(params),
        [ctx, prefix = std::move(prefix)](const Json &result, const Json &error) {
            if (!error.is_null() || !result.is_object()) {
                respondClientError(ctx, "elicitation/create", error);
                return;
            }
            const std::string action = result.value("action", std::string());
            const Json content = result.contains("content") ? result["content"] : Json::object();
            respondText(ctx,
                        prefix + "action=" + action + ", content=" + StrictJson::dump(content));
        });
}

void addTools(ToolRegistry &tools)
{
    auto add = [&tools](std::string name, std::string description, Json schema,
                        FixtureTool::Handler handler) {
        tools.add(std::make_shared<FixtureTool>(std::move(name), std::move(description),
                                                std::move(schema), std::move(handler)));
    };

    add("test_simple_text", "Tests simple text content response", emptyObjectSchema(),
        [](const std::shared_ptr<RequestContext> &ctx, const Json &) {
            respondText(ctx, "This is a simple text response for testing.");
        });

    add("test_image_content", "Tests image content response", emptyObjectSchema(),
        [](const std::shared_ptr<RequestContext> &ctx, const Json &) {
            ctx->respond(contentResult(Json::array({ imageBlock() })));
        });

    add("test_audio_content", "Tests audio content response", emptyObjectSchema(),
        [](const std::shared_ptr<RequestContext> &ctx, const Json &) {
            Json b = Json::object();
            b["type"] = "audio";
            b["data"] = kWavBase64;
            b["mimeType"] = "audio/wav";
            ctx->respond(contentResult(Json::array({ std::move(b) })));
        });

    add("test_embedded_resource", "Tests embedded resource content response", emptyObjectSchema(),
        [](const std::shared_ptr<RequestContext> &ctx, const Json &) {
            ctx->respond(contentResult(
                Json::array({ resourceBlock("test://embedded-resource", "text/plain",
                                            "This is an embedded resource content.") })));
        });

    add("test_multiple_content_types",
        "Tests response with multiple content types (text, image, resource)", emptyObjectSchema(),
        [](const std::shared_ptr<RequestContext> &ctx, const Json &) {
            ctx->respond(contentResult(
                Json::array({ textBlock("Multiple content types test:"), imageBlock(),
                              resourceBlock("test://mixed-content-resource", "application/json",
                                            R"({"test":"data","value":123})") })));
        });

    add("test_tool_with_logging", "Tests tool that emits log messages during execution",
        emptyObjectSchema(), [](const std::shared_ptr<RequestContext> &ctx, const Json &) {
            ctx->log(LogLevel::Info, {}, "Tool execution started");
            after(50, [ctx] {
                ctx->log(LogLevel::Info, {}, "Tool processing data");
                after(50, [ctx] {
                    ctx->log(LogLevel::Info, {}, "Tool execution completed");
                    respondText(ctx, "Tool with logging executed successfully");
                });
            });
        });

    add("test_tool_with_progress", "Tests tool that reports progress notifications",
        emptyObjectSchema(), [](const std::shared_ptr<RequestContext> &ctx, const Json &) {
            // The progress reaches the client before the answer: the SDK drops its progress
            // handler once the response arrives.
            ctx->progress(0, 100, "Completed step 0 of 100");
            after(50, [ctx] {
                ctx->progress(50, 100, "Completed step 50 of 100");
                after(50, [ctx] {
                    ctx->progress(100, 100, "Completed step 100 of 100");
                    // The SDK handles progress a microtask late: a response read in the same
                    // chunk (stdio) would drop its handler before the last progress is seen.
                    after(50,
                          [ctx] { respondText(ctx, "Tool with progress executed successfully"); });
                });
            });
        });

    add("test_error_handling", "Tests error response handling", emptyObjectSchema(),
        [](const std::shared_ptr<RequestContext> &ctx, const Json &) {
            respondFailure(ctx, "This tool intentionally returns an error for testing");
        });

    add("test_reconnection",
        "Tests SSE stream disconnection and client reconnection (SEP-1699). The server closes the "
        "stream mid-call and answers on the resumed stream.",
        emptyObjectSchema(), [](const std::shared_ptr<RequestContext> &ctx, const Json &) {
            // Over HTTP the POST's SSE stream ends now (after its priming event); the answer
            // waits in the stream's log for the client's GET with Last-Event-ID.
            if (ctx->outbound())
                ctx->outbound()->disconnectForResumption();
            after(200, [ctx] {
                respondText(
                    ctx,
                    "Reconnection test completed successfully. If you received this, the client "
                    "properly reconnected after stream closure.");
            });
        });

    add("test_sampling", "Tests server-initiated sampling (LLM completion request)",
        stringArgumentSchema("prompt", "The prompt to send to the LLM"),
        [](const std::shared_ptr<RequestContext> &ctx, const Json &arguments) {
            const auto prompt = arguments.find("prompt");
            if (prompt == arguments.end() || !prompt->is_string()) {
                respondFailure(ctx, "\"prompt\" (a string) is required");
                return;
            }
            Json message = Json::object();
            message["role"] = "user";
            message["content"] = textBlock(prompt->get<std::string>());
            Json params = Json::object();
            params["messages"] = Json::array({ std::move(message) });
            params["maxTokens"] = 100;
            ctx->requestClient("sampling/createMessage", std::move(params),
                               [ctx](const Json &result, const Json &error) {
                                   if (!error.is_null() || !result.is_object()) {
                                       respondClientError(ctx, "sampling/createMessage", error);
                                       return;
                                   }
                                   std::string text;
                                   if (const auto c = result.find("content");
                                       c != result.end() && c->is_object())
                                       text = stringArgument(*c, "text");
                                   respondText(ctx, "LLM response: " + text);
                               });
        });

    add("test_elicitation", "Tests server-initiated elicitation (user input request)",
        stringArgumentSchema("message", "The message to show the user"),
        [](const std::shared_ptr<RequestContext> &ctx, const Json &arguments) {
            const auto message = arguments.find("message");
            if (message == arguments.end() || !message->is_string()) {
                respondFailure(ctx, "\"message\" (a string) is required");
                return;
            }
            Json params = Json::object();
            params["message"] = *message;
            params["requestedSchema"] = Json::parse(R"json({"type":"object","properties":{
                "username":{"type":"string","description":"User's response"},
                "email":{"type":"string","description":"User's email address"}},
                "required":["username","email"]})json");
            elicit(ctx, std::move(params), "User response: ");
        });

    add("test_elicitation_sep1034_defaults", "Tests elicitation with default values per SEP-1034",
        emptyObjectSchema(), [](const std::shared_ptr<RequestContext> &ctx, const Json &) {
            Json params = Json::object();
            params["mode"] = "form";
            params["message"] = "Please review and update the form fields with defaults";
            params["requestedSchema"] = Json::parse(R"json({"type":"object","properties":{
                "name":{"type":"string","description":"User name","default":"John Doe"},
                "age":{"type":"integer","description":"User age","default":30},
                "score":{"type":"number","description":"User score","default":95.5},
                "status":{"type":"string","description":"User status","enum":["active","inactive","pending"],"default":"active"},
                "verified":{"type":"boolean","description":"Verification status","default":true}},
                "required":[]})json");
            elicit(ctx, std::move(params), "Elicitation completed: ");
        });

    add("test_elicitation_sep1330_enums",
        "Tests elicitation with enum schema improvements per SEP-1330", emptyObjectSchema(),
        [](const std::shared_ptr<RequestContext> &ctx, const Json &) {
            Json params = Json::object();
            params["mode"] = "form";
            params["message"] = "Please select options from the enum fields";
            params["requestedSchema"] = Json::parse(R"json({"type":"object","properties":{
                "untitledSingle":{"type":"string","description":"Select one option","enum":["option1","option2","option3"]},
                "titledSingle":{"type":"string","description":"Select one option with titles","oneOf":[
                    {"const":"value1","title":"First Option"},{"const":"value2","title":"Second Option"},
                    {"const":"value3","title":"Third Option"}]},
                "legacyEnum":{"type":"string","description":"Select one option (legacy)","enum":["opt1","opt2","opt3"],
                    "enumNames":["Option One","Option Two","Option Three"]},
                "untitledMulti":{"type":"array","description":"Select multiple options","minItems":1,"maxItems":3,
                    "items":{"type":"string","enum":["option1","option2","option3"]}},
                "titledMulti":{"type":"array","description":"Select multiple options with titles","minItems":1,
                    "maxItems":3,"items":{"anyOf":[{"const":"value1","title":"First Choice"},
                    {"const":"value2","title":"Second Choice"},{"const":"value3","title":"Third Choice"}]}}},
                "required":[]})json");
            elicit(ctx, std::move(params), "Elicitation completed: ");
        });

    // The schema is the test subject (SEP-1613): it must reach the client verbatim, with
    // $schema, $defs, $ref and additionalProperties untouched.
    add("json_schema_2020_12_tool",
        "Tool with JSON Schema 2020-12 features for conformance testing (SEP-1613)",
        Json::parse(R"json({
            "$schema":"https://json-schema.org/draft/2020-12/schema",
            "type":"object",
            "$defs":{"address":{"type":"object","properties":{"street":{"type":"string"},"city":{"type":"string"}}}},
            "properties":{"name":{"type":"string"},"address":{"$ref":"#/$defs/address"}},
            "additionalProperties":false})json"),
        [](const std::shared_ptr<RequestContext> &ctx, const Json &arguments) {
            respondText(ctx,
                        "JSON Schema 2020-12 tool called with: " + StrictJson::dump(arguments));
        });
}

// test://static-text, test://static-binary, test://watched-resource and the
// test://template/{id}/data template.
class FixtureResources : public ResourceProvider
{
public:
    std::vector<Json> list(const Principal &) const override
    {
        return { entry("test://static-text", "static-text", "Static Text Resource",
                       "A static text resource for testing", "text/plain"),
                 entry("test://static-binary", "static-binary", "Static Binary Resource",
                       "A static binary resource (image) for testing", "image/png"),
                 entry("test://watched-resource", "watched-resource", "Watched Resource",
                       "A resource that auto-updates every 3 seconds", "text/plain") };
    }

    std::vector<Json> templates() const override
    {
        Json t = Json::object();
        t["uriTemplate"] = kTemplate;
        t["name"] = "template";
        t["title"] = "Resource Template";
        t["description"] = "A resource template with parameter substitution";
        t["mimeType"] = "application/json";
        return { std::move(t) };
    }

    std::optional<Json> read(const std::string &uri, const Principal &) const override
    {
        if (uri == "test://static-text")
            return text(uri, "text/plain", "This is the content of the static text resource.");
        if (uri == "test://watched-resource")
            return text(uri, "text/plain", "Watched resource content");
        if (uri == "test://static-binary") {
            Json c = Json::object();
            c["uri"] = uri;
            c["mimeType"] = "image/png";
            c["blob"] = kPngBase64;
            return Json::array({ std::move(c) });
        }
        const std::string prefix = "test://template/";
        const std::string suffix = "/data";
        if (uri.size() > prefix.size() + suffix.size() && uri.compare(0, prefix.size(), prefix) == 0
            && uri.compare(uri.size() - suffix.size(), suffix.size(), suffix) == 0) {
            const std::string id =
                uri.substr(prefix.size(), uri.size() - prefix.size() - suffix.size());
            if (id.find('/') != std::string::npos)
                return std::nullopt;
            Json data = Json::object();
            data["id"] = id;
            data["templateTest"] = true;
            data["data"] = "Data for ID: " + id;
            return text(uri, "application/json", StrictJson::dump(data));
        }
        return std::nullopt;
    }

    std::optional<std::vector<std::string>> complete(const std::string &uriTemplate,
                                                     const std::string &, const std::string &,
                                                     const Principal &) const override
    {
        if (uriTemplate != kTemplate)
            return std::nullopt;
        return std::vector<std::string> {};
    }

private:
    static constexpr const char *kTemplate = "test://template/{id}/data";

    static Json entry(const char *uri, const char *name, const char *title, const char *description,
                      const char *mimeType)
    {
        Json e = Json::object();
        e["uri"] = uri;
        e["name"] = name;
        e["title"] = title;
        e["description"] = description;
        e["mimeType"] = mimeType;
        return e;
    }

    static Json text(const std::string &uri, const char *mimeType, std::string body)
    {
        Json c = Json::object();
        c["uri"] = uri;
        c["mimeType"] = mimeType;
        c["text"] = std::move(body);
        return Json::array({ std::move(c) });
    }
};

Json userMessage(Json content)
{
    Json m = Json::object();
    m["role"] = "user";
    m["content"] = std::move(content);
    return m;
}

Json messages(std::initializer_list<Json> list)
{
    Json r = Json::object();
    r["messages"] = Json::array();
    for (const Json &m : list)
        r["messages"].push_back(m);
    return r;
}

void addPrompts(PromptCatalog &prompts)
{
    PromptDefinition simple;
    simple.name = "test_simple_prompt";
    simple.title = "Simple Test Prompt";
    simple.description = "A simple prompt without arguments";
    simple.render = [](const std::map<std::string, std::string> &, const Principal &) {
        return messages({ userMessage(textBlock("This is a simple prompt for testing.")) });
    };
    prompts.add(std::move(simple));

    PromptDefinition withArgs;
    withArgs.name = "test_prompt_with_arguments";
    withArgs.title = "Prompt With Arguments";
    withArgs.description = "A prompt with required arguments";
    withArgs.arguments = { { "arg1", "First test argument", true, {} },
                           { "arg2", "Second test argument", true, {} } };
    withArgs.render = [](const std::map<std::string, std::string> &args, const Principal &) {
        return messages({ userMessage(textBlock("Prompt with arguments: arg1='" + args.at("arg1")
                                                + "', arg2='" + args.at("arg2") + "'")) });
    };
    prompts.add(std::move(withArgs));

    PromptDefinition embedded;
    embedded.name = "test_prompt_with_embedded_resource";
    embedded.title = "Prompt With Embedded Resource";
    embedded.description = "A prompt that includes an embedded resource";
    embedded.arguments = { { "resourceUri", "URI of the resource to embed", true, {} } };
    embedded.render = [](const std::map<std::string, std::string> &args, const Principal &) {
        return messages({ userMessage(resourceBlock(args.at("resourceUri"), "text/plain",
                                                    "Embedded resource content for testing.")),
                          userMessage(textBlock("Please process the embedded resource above.")) });
    };
    prompts.add(std::move(embedded));

    PromptDefinition image;
    image.name = "test_prompt_with_image";
    image.title = "Prompt With Image";
    image.description = "A prompt that includes image content";
    image.render = [](const std::map<std::string, std::string> &, const Principal &) {
        return messages({ userMessage(imageBlock()),
                          userMessage(textBlock("Please analyze the image above.")) });
    };
    prompts.add(std::move(image));
}

} // namespace

void addConformanceFixtures(ToolRegistry &tools, ResourceCatalog &resources, PromptCatalog &prompts)
{
    addTools(tools);
    resources.add(std::make_shared<FixtureResources>());
    addPrompts(prompts);
}

} // namespace warden
