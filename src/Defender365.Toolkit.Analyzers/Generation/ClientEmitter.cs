using System;
using System.Collections.Generic;
using System.Linq;
using Defender365.Toolkit.Analyzers.Catalog;

namespace Defender365.Toolkit.Analyzers.Generation;

/// <summary>
/// Emits <c>DefenderClient</c> → <c>ForTenant</c> → <c>DefenderTenantClient</c> → one client per catalog area with one
/// <c>{Operation}Async</c> per catalog operation of the area, each a thin typed wrapper over
/// <c>DefenderOperationInvoker</c> carrying <c>[RequiresDefenderPermission]</c>. Areas and operations the manifest does
/// not declare are <c>[EditorBrowsable(Never)]</c> and say so in their summary.
/// </summary>
internal static class ClientEmitter
{
    private const string Invoker = "global::Defender365.Toolkit.Http.DefenderOperationInvoker";
    private const string Arguments = "global::Defender365.Toolkit.Http.DefenderRequestArguments";
    private const string CancellationToken = "global::System.Threading.CancellationToken";

    // Honoured by IDEs for members of a referenced assembly; within the project that generates them C# IDEs list them
    // anyway, which is why the summary of an undeclared member says so too.
    private const string Hidden = "[global::System.ComponentModel.EditorBrowsable(global::System.ComponentModel.EditorBrowsableState.Never)]";
    private const string Undeclared = "Not declared in defender-scopes.json: a call is DEF2001, whose fix declares the permission.";

    public static IEnumerable<(string HintName, string Source)> Emit(GenerationPlan plan)
    {
        yield return ("Defender365.DefenderClient.g.cs", EntryPoint(plan));
        foreach (var area in plan.Areas)
        {
            yield return ($"Defender365.Clients.{area.ClientName}.g.cs", AreaClient(plan, area));
        }
    }

    private static string EntryPoint(GenerationPlan plan)
    {
        var writer = Emitter.Header();
        writer.Open($"namespace {plan.Spec.Namespace}");

        writer.Summary("The entry point to the Defender APIs this app declares in defender-scopes.json. Thread-safe; create one and reuse it.");
        writer.Line("/// <remarks>Pick a customer tenant with <see cref=\"ForTenant\"/>; each call then gets that tenant's token and is checked against its consented permissions before it is sent.</remarks>");
        writer.Line($"[global::Defender365.Toolkit.Catalog.DefenderManifest(global::Defender365.Toolkit.Catalog.DefenderCloud.{plan.Spec.Cloud})]");
        writer.Line(Emitter.GeneratedCodeAttribute);
        writer.Open("public partial class DefenderClient");
        writer.Line($"private readonly {Invoker} _invoker;");
        writer.Line();
        writer.Summary("For mocking.");
        writer.Line("protected DefenderClient()");
        writer.Line("{");
        writer.Line("    _invoker = null!;");
        writer.Line("}");
        writer.Line();
        writer.Summary("Creates a client over a credential (DefenderAppCredential or any TokenCredential).");
        writer.Line("/// <param name=\"credential\">Tokens per tenant.</param>");
        writer.Line("/// <param name=\"options\">Cloud, endpoints, retries; by default the cloud the manifest declares.</param>");
        writer.Line("public DefenderClient(global::Azure.Core.TokenCredential credential, global::Defender365.Toolkit.Http.DefenderClientOptions? options = null)");
        writer.Line($"    : this(new {Invoker}(credential, options ?? new global::Defender365.Toolkit.Http.DefenderClientOptions {{ Cloud = global::Defender365.Toolkit.Catalog.DefenderCloud.{plan.Spec.Cloud} }}))");
        writer.Line("{");
        writer.Line("}");
        writer.Line();
        writer.Summary("Creates a client over an existing invoker (shared pipeline and options).");
        writer.Line("/// <exception cref=\"global::System.ArgumentException\">The invoker calls another cloud than defender-scopes.json declares.</exception>");
        writer.Line($"public DefenderClient({Invoker} invoker)");
        writer.Line("{");
        writer.Line("    _invoker = invoker ?? throw new global::System.ArgumentNullException(nameof(invoker));");
        writer.Line($"    if (invoker.Options.Cloud != global::Defender365.Toolkit.Catalog.DefenderCloud.{plan.Spec.Cloud})");
        writer.Line("    {");
        writer.Line($"        throw new global::System.ArgumentException(\"defender-scopes.json declares the {plan.Spec.Cloud} cloud, but the client is configured for the \" + invoker.Options.Cloud + \" cloud (DefenderClientOptions.Cloud, or Defender:Cloud with AddDefenderClient). Use one cloud for both.\", nameof(invoker));");
        writer.Line("    }");
        writer.Line("}");
        writer.Line();
        writer.Summary("The invoker the generated clients call: for operations by catalog id and for consent checks.");
        writer.Line($"public virtual {Invoker} Invoker => _invoker;");
        writer.Line();
        writer.Summary("The operations of one customer tenant.");
        writer.Line("/// <param name=\"tenantId\">The tenant id (GUID) or verified domain; it must be allowed by the credential.</param>");
        writer.Open("public virtual DefenderTenantClient ForTenant(string tenantId)");
        writer.Line("if (string.IsNullOrWhiteSpace(tenantId))");
        writer.Line("{");
        writer.Line("    throw new global::System.ArgumentException(\"A tenant id is required.\", nameof(tenantId));");
        writer.Line("}");
        writer.Line();
        writer.Line("return new DefenderTenantClient(_invoker, tenantId);");
        writer.Close();
        writer.Close();

        writer.Line();
        writer.Summary("The Defender APIs for one customer tenant, one property per API area (those the manifest declares nothing in are hidden from IntelliSense).");
        writer.Line(Emitter.GeneratedCodeAttribute);
        writer.Open("public partial class DefenderTenantClient");
        writer.Line($"private readonly {Invoker} _invoker;");
        writer.Line();
        writer.Summary("For mocking.");
        writer.Line("protected DefenderTenantClient()");
        writer.Line("{");
        writer.Line("    _invoker = null!;");
        writer.Line("    TenantId = string.Empty;");
        foreach (var area in plan.DefenderAreas)
        {
            writer.Line($"    {area.Area} = null!;");
        }

        writer.Line("    GraphSecurity = null!;");
        writer.Line("}");
        writer.Line();
        writer.Line($"internal DefenderTenantClient({Invoker} invoker, string tenantId)");
        writer.Line("{");
        writer.Line("    _invoker = invoker;");
        writer.Line("    TenantId = tenantId;");
        foreach (var area in plan.DefenderAreas)
        {
            writer.Line($"    {area.Area} = new {area.ClientName}(invoker, tenantId);");
        }

        writer.Line("    GraphSecurity = new GraphSecurityClient(invoker, tenantId);");
        writer.Line("}");
        writer.Line();
        writer.Summary("The tenant the calls go to.");
        writer.Line("public string TenantId { get; }");
        foreach (var area in plan.DefenderAreas)
        {
            writer.Line();
            AreaProperty(writer, area, $"The {area.Area} operations.");
        }

        writer.Line();
        writer.Summary("The Microsoft Graph security API, with the same areas." + (plan.DeclaresGraph ? string.Empty : " " + Undeclared));
        if (!plan.DeclaresGraph)
        {
            writer.Line(Hidden);
        }

        writer.Line("public virtual GraphSecurityClient GraphSecurity { get; }");
        writer.Line();
        writer.Summary("Compares what the manifest declares for a resource with what this tenant's admin consented to (missing and extra permissions).");
        writer.Line("/// <param name=\"resourceId\">The resource id, e.g. DefenderPermissions.ThreatProtection.ResourceId.</param>");
        writer.Line($"/// <param name=\"cancellationToken\">Cancels the token request.</param>");
        writer.Line($"public virtual global::System.Threading.Tasks.Task<global::Defender365.Toolkit.Authorization.ConsentDrift> GetConsentDriftAsync(string resourceId, {CancellationToken} cancellationToken = default) =>");
        writer.Line("    _invoker.GetConsentDriftAsync(TenantId, resourceId, DefenderPermissions.Declared.TryGetValue(resourceId, out var declared) ? declared : global::System.Array.Empty<string>(), cancellationToken);");
        writer.Close();

        writer.Line();
        writer.Summary("The Microsoft Graph security API for one tenant.");
        writer.Line(Emitter.GeneratedCodeAttribute);
        writer.Open("public partial class GraphSecurityClient");
        writer.Summary("For mocking.");
        writer.Line("protected GraphSecurityClient()");
        writer.Line("{");
        foreach (var area in plan.GraphAreas)
        {
            writer.Line($"    {area.Area} = null!;");
        }

        writer.Line("}");
        writer.Line();
        writer.Line($"internal GraphSecurityClient({Invoker} invoker, string tenantId)");
        writer.Line("{");
        foreach (var area in plan.GraphAreas)
        {
            writer.Line($"    {area.Area} = new {area.ClientName}(invoker, tenantId);");
        }

        writer.Line("}");
        foreach (var area in plan.GraphAreas)
        {
            writer.Line();
            AreaProperty(writer, area, $"The Graph security {area.Area} operations.");
        }

        writer.Close();
        writer.Close();
        return writer.ToString();
    }

    private static void AreaProperty(SourceWriter writer, AreaPlan area, string summary)
    {
        writer.Summary(area.IsDeclared ? summary : $"{summary} {Undeclared}");
        if (!area.IsDeclared)
        {
            writer.Line(Hidden);
        }

        writer.Line($"public virtual {area.ClientName} {area.Area} {{ get; }}");
    }

    private static string AreaClient(GenerationPlan plan, AreaPlan area)
    {
        var mapper = new TypeMapper(plan.ModelsNamespace);
        var models = "global::" + plan.ModelsNamespace;
        var writer = Emitter.Header();
        writer.Open($"namespace {plan.Spec.Namespace}");
        writer.Summary($"The {(area.IsGraph ? "Microsoft Graph security " : string.Empty)}{area.Area} operations for one tenant. Every operation of the area is here; those the manifest does not allow are hidden from IntelliSense, and a call to one is reported by DEF2001.");
        writer.Line(Emitter.GeneratedCodeAttribute);
        writer.Open($"public partial class {area.ClientName}");
        foreach (var operation in area.Operations)
        {
            writer.Line($"private static readonly global::Defender365.Toolkit.Catalog.DefenderOperation {operation.Name}Operation = global::Defender365.Toolkit.Catalog.DefenderCatalog.Default.GetOperation({SourceWriter.Literal(operation.Id)});");
        }

        writer.Line();
        writer.Line($"private readonly {Invoker} _invoker;");
        writer.Line("private readonly string _tenantId;");
        writer.Line();
        writer.Summary("For mocking.");
        writer.Line($"protected {area.ClientName}()");
        writer.Line("{");
        writer.Line("    _invoker = null!;");
        writer.Line("    _tenantId = string.Empty;");
        writer.Line("}");
        writer.Line();
        writer.Line($"internal {area.ClientName}({Invoker} invoker, string tenantId)");
        writer.Line("{");
        writer.Line("    _invoker = invoker;");
        writer.Line("    _tenantId = tenantId;");
        writer.Line("}");

        foreach (var operation in area.Operations)
        {
            writer.Line();
            Method(writer, mapper, models, operation, area.Declares(operation));
        }

        writer.Close();
        writer.Close();
        return writer.ToString();
    }

    private static void Method(SourceWriter writer, TypeMapper mapper, string models, CatalogOperation operation, bool declared)
    {
        var resource = ApiCatalog.Instance.GetResource(operation.Resource);
        var parameters = new List<(string Declaration, string Name, string Doc)>();
        var statements = new List<string>();
        var used = new HashSet<string>(StringComparer.Ordinal) { "cancellationToken", "arguments" };

        foreach (var path in operation.PathParameters)
        {
            var name = Unique(Names.Parameter(path.Name), used);
            parameters.Add(($"{mapper.ElementType(path.Type)} {name}", name, path.Description ?? $"The '{path.Name}' path value."));
            statements.Add(path.Type == "string"
                ? $"arguments.Path[{SourceWriter.Literal(path.Name)}] = {name} ?? throw new global::System.ArgumentNullException(nameof({name}));"
                : $"arguments.Path[{SourceWriter.Literal(path.Name)}] = {name};");
        }

        var multipart = operation.Body is { ContentType: not "application/json" };
        var form = new List<string>();
        if (multipart)
        {
            // A file upload: the file as a stream and its name, then each text field; required ones first (C# wants
            // optional parameters last).
            var optional = new List<(string Declaration, string Name, string Doc)>();
            foreach (var field in operation.Body!.Fields)
            {
                var name = Unique(Names.Parameter(field.Name), used);
                var wire = SourceWriter.Literal(field.Name);
                if (field.Type == "binary")
                {
                    var fileName = Unique(name + "Name", used);
                    parameters.Add(($"global::System.IO.Stream {name}", name, field.Description ?? "The file's content."));
                    parameters.Add(($"string {fileName}", fileName, "The name the service stores the file under."));
                    form.Add($"await form.AddFileAsync({wire}, {fileName}, {name} ?? throw new global::System.ArgumentNullException(nameof({name})), {operation.Name}Operation.Body?.MaxFileBytes, cancellationToken).ConfigureAwait(false);");
                }
                else if (field.Required)
                {
                    parameters.Add(($"{mapper.ElementType(field.Type)} {name}", name, field.Description ?? field.Name));
                    form.Add($"form.Add({wire}, {name});");
                }
                else
                {
                    optional.Add(($"{mapper.PropertyType(field.Type)} {name} = null", name, field.Description ?? field.Name));
                    form.Add($"form.Add({wire}, {name});");
                }
            }

            parameters.AddRange(optional);
        }
        else if (operation.Body is not null)
        {
            var type = $"{models}.{GenerationPlan.RequestTypeName(operation)}";
            parameters.Add(($"{type} body", "body", "The request body."));
            statements.Add($"arguments.Body = global::Defender365.Toolkit.Serialization.DefenderJson.ToBody(body ?? throw new global::System.ArgumentNullException(nameof(body)), {models}.DefenderJsonContext.{GenerationPlan.RequestTypeName(operation)});");
        }

        if (operation.Query is { } query)
        {
            if (query.Filter.Count > 0)
            {
                parameters.Add(("string? filter = null", "filter", $"OData $filter over {string.Join(", ", query.Filter)}."));
                statements.Add("arguments.Filter = filter;");
            }

            if (query.Expand.Count > 0)
            {
                parameters.Add(("string? expand = null", "expand", $"OData $expand: {string.Join(", ", query.Expand)}."));
                statements.Add("arguments.Expand = expand;");
            }

            if (query.MaxTop is not null || query.Skip)
            {
                parameters.Add(("int? top = null", "top", operation.IsCollection ? "The most items to return in total; pages are fetched as needed." : "OData $top."));
                statements.Add("arguments.Top = top;");
            }

            foreach (var extra in query.Parameters.Where(p => !p.Name.StartsWith("$", StringComparison.Ordinal)))
            {
                var name = Unique(Names.Parameter(extra.Name), used);
                parameters.Add(($"{mapper.PropertyType(extra.Type)} {name} = null", name, extra.Description ?? $"The '{extra.Name}' query value."));
                var format = extra.Type == "datetime"
                    ? $"{name}.Value.UtcDateTime.ToString(\"yyyy-MM-dd'T'HH:mm:ss'Z'\", global::System.Globalization.CultureInfo.InvariantCulture)"
                    : extra.Type == "string" ? name : $"global::System.Convert.ToString({name}.Value, global::System.Globalization.CultureInfo.InvariantCulture)!";
                statements.Add($"if ({name} is not null) {{ arguments.Query[{SourceWriter.Literal(extra.Name)}] = {format}; }}");
            }
        }

        var itemType = operation.ResponseEntity is { } entity ? $"{models}.{Names.Type(entity)}" : operation.ResponseItemType == "json" ? "global::System.Text.Json.JsonElement" : null;
        var typeInfo = operation.ResponseEntity is { } e2 ? $"{models}.DefenderJsonContext.{Names.Type(e2)}" : "global::Defender365.Toolkit.Serialization.DefenderJson.JsonElementTypeInfo";
        string returnType;
        string call;
        if (operation.IsCollection && itemType is not null)
        {
            returnType = $"global::Azure.AsyncPageable<{itemType}>";
            call = $"return _invoker.GetPageableAsync({operation.Name}Operation, _tenantId, arguments, {typeInfo}, cancellationToken);";
        }
        else if (itemType is not null)
        {
            returnType = $"global::System.Threading.Tasks.Task<global::Azure.Response<{itemType}>>";
            call = $"return _invoker.SendAsync({operation.Name}Operation, _tenantId, arguments, {typeInfo}, cancellationToken);";
        }
        else
        {
            returnType = "global::System.Threading.Tasks.Task<global::Azure.Response>";
            call = $"return _invoker.SendAsync({operation.Name}Operation, _tenantId, arguments, cancellationToken);";
        }

        // Docs: summary, the permission it needs, the quota, the page.
        writer.Summary(declared ? operation.Summary : $"{operation.Summary} {Undeclared}");
        writer.Line("/// <remarks>");
        writer.Line($"/// <para>{operation.Method} {SourceWriter.Escape(operation.Path)} on {SourceWriter.Escape(resource.DisplayName)}.</para>");
        writer.Line($"/// <para>Requires one of these application permissions: {string.Join(", ", operation.ApplicationPermissions.Select(p => $"<c>{p}</c>"))}{(operation.DelegatedPermissions.Count > 0 ? $" (delegated: {string.Join(", ", operation.DelegatedPermissions.Select(p => $"<c>{p}</c>"))})" : string.Empty)}.</para>");
        var rate = (operation.PerMinute, operation.PerHour) switch
        {
            (int m, int h) => $"{m} calls per minute, {h} per hour",
            (int m, null) => $"{m} calls per minute",
            (null, int h) => $"{h} calls per hour",
            _ => null,
        };
        if (rate is not null)
        {
            writer.Line($"/// <para>Rate limit: {rate}.</para>");
        }

        if (operation.Replacement is { } replacement)
        {
            writer.Line($"/// <para>Deprecated: {SourceWriter.Escape(replacement)}.</para>");
        }

        if (operation.Docs is { } docs)
        {
            writer.Line($"/// <para>Documentation: <see href=\"{SourceWriter.Escape(docs)}\"/>.</para>");
        }

        if (multipart)
        {
            writer.Line("/// <para>Sent as <c>multipart/form-data</c>; the file is read into memory first, and one larger than the service accepts fails with <see cref=\"global::System.ArgumentException\"/> before anything is sent.</para>");
        }

        writer.Line("/// </remarks>");
        foreach (var (_, name, doc) in parameters)
        {
            writer.Line($"/// <param name=\"{name.TrimStart('@')}\">{SourceWriter.Escape(doc)}</param>");
        }

        writer.Line("/// <param name=\"cancellationToken\">Cancels the call.</param>");
        var anyOf = string.Join(", ", operation.ApplicationPermissions.Select(SourceWriter.Literal));
        writer.Line($"[global::Defender365.Toolkit.Authorization.RequiresDefenderPermission({SourceWriter.Literal(operation.Resource)}, {anyOf}, Operation = {SourceWriter.Literal(operation.Id)})]");
        if (!declared)
        {
            writer.Line(Hidden);
        }

        var signature = string.Join(", ", parameters.Select(p => p.Declaration).Concat(new[] { $"{CancellationToken} cancellationToken = default" }));
        writer.Open($"public virtual {(multipart ? "async " : string.Empty)}{returnType} {operation.Name}Async({signature})");
        writer.Line($"var arguments = new {Arguments}();");
        foreach (var statement in statements)
        {
            writer.Line(statement);
        }

        if (multipart)
        {
            writer.Line("var form = new global::Defender365.Toolkit.Http.DefenderMultipartForm();");
            foreach (var statement in form)
            {
                writer.Line(statement);
            }

            writer.Line("form.ApplyTo(arguments);");
            writer.Line(call.Replace("return _invoker.", "return await _invoker.").Replace(", cancellationToken);", ", cancellationToken).ConfigureAwait(false);"));
        }
        else
        {
            writer.Line(call);
        }

        writer.Close();
    }

    private static string Unique(string name, HashSet<string> used)
    {
        var candidate = name;
        for (var i = 2; !used.Add(candidate); i++)
        {
            candidate = name + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return candidate;
    }
}
