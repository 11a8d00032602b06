using System.Collections.Generic;
using System.Linq;
using Defender365.Toolkit.Analyzers.Generation.Specs;

namespace Defender365.Toolkit.Analyzers.Generation;

/// <summary>
/// Prints <c>DefenderClient</c> → <c>ForTenant</c> (and <c>ForTenants</c>, the fan-out) → <c>DefenderTenantClient</c> → one client per area with one
/// <c>{Operation}Async</c> per operation, each a thin typed wrapper over <c>DefenderOperationInvoker</c> carrying
/// <c>[RequiresDefenderPermission]</c>. Every decision is in the <see cref="ClientSpec"/> (<see cref="ClientSpecBuilder"/>).
/// </summary>
internal static class ClientEmitter
{
    private const string Invoker = "global::Defender365.Toolkit.Http.DefenderOperationInvoker";
    private const string Arguments = "global::Defender365.Toolkit.Http.DefenderRequestArguments";
    private const string CancellationToken = "global::System.Threading.CancellationToken";
    private const string Cloud = "global::Defender365.Toolkit.Catalog.DefenderCloud";

    // Honoured by IDEs for members of a referenced assembly; within the project that generates them C# IDEs list them
    // anyway, which is why the summary of an undeclared member says so too.
    private const string Hidden = "[global::System.ComponentModel.EditorBrowsable(global::System.ComponentModel.EditorBrowsableState.Never)]";

    public static IEnumerable<(string HintName, string Source)> Emit(ClientSpec spec)
    {
        var writer = Emitter.Header();
        writer.Open($"namespace {spec.Namespace}");
        DefenderClient(writer, spec.Cloud);
        writer.Line();
        TenantClient(writer, spec);
        writer.Line();
        GraphSecurityClient(writer, spec.Areas.Where(a => a.IsGraph).ToArray());
        writer.Close();
        yield return ("Defender365.DefenderClient.g.cs", writer.ToString());

        foreach (var area in spec.Areas)
        {
            yield return ($"Defender365.Clients.{area.ClientName}.g.cs", AreaClient(spec.Namespace, area));
        }
    }

    private static void DefenderClient(SourceWriter writer, string cloud)
    {
        writer.Summary("The entry point to the Defender APIs this app declares in defender-scopes.json. Thread-safe; create one and reuse it.");
        writer.Line("/// <remarks>Pick a customer tenant with <see cref=\"ForTenant\"/>; each call then gets that tenant's token and is checked against its consented permissions before it is sent.</remarks>");
        writer.Line($"[global::Defender365.Toolkit.Catalog.DefenderManifest({Cloud}.{cloud})]");
        writer.Line(Emitter.GeneratedCodeAttribute);
        writer.Open("public partial class DefenderClient");
        writer.Line($"private readonly {Invoker} _invoker;");
        writer.Line();
        MockingConstructor(writer, "DefenderClient", "_invoker = null!;");
        writer.Line();
        CredentialConstructors(writer, cloud);
        writer.Line();
        writer.Summary("Creates a client over an existing invoker (shared pipeline and options).");
        writer.Line("/// <exception cref=\"global::System.ArgumentException\">The invoker calls another cloud than defender-scopes.json declares.</exception>");
        writer.Open($"public DefenderClient({Invoker} invoker)");
        writer.Line("_invoker = invoker ?? throw new global::System.ArgumentNullException(nameof(invoker));");
        writer.Open($"if (invoker.Options.Cloud != {Cloud}.{cloud})");
        writer.Line($"throw new global::System.ArgumentException(\"defender-scopes.json declares the {cloud} cloud, but the client is configured for the \" + invoker.Options.Cloud + \" cloud (DefenderClientOptions.Cloud, or Defender:Cloud with AddDefenderClient). Use one cloud for both.\", nameof(invoker));");
        writer.Close();
        writer.Close();
        writer.Line();
        writer.Summary("The invoker the generated clients call: for operations by catalog id and for consent checks.");
        writer.Line($"public virtual {Invoker} Invoker => _invoker;");
        writer.Line();
        writer.Summary("The operations of one customer tenant.");
        writer.Line("/// <param name=\"tenantId\">The tenant id (GUID) or verified domain; it must be allowed by the credential.</param>");
        writer.Open("public virtual DefenderTenantClient ForTenant(string tenantId)");
        writer.Open("if (string.IsNullOrWhiteSpace(tenantId))");
        writer.Line("throw new global::System.ArgumentException(\"A tenant id is required.\", nameof(tenantId));");
        writer.Close();
        writer.Line();
        writer.Line("return new DefenderTenantClient(_invoker, tenantId);");
        writer.Close();
        writer.Line();
        FanOut(writer);
        writer.Close();
    }

    // The same work over many tenants, a result per tenant: the runtime's fan-out over this client's ForTenant.
    private static void FanOut(SourceWriter writer)
    {
        const string FanOutType = "global::Defender365.Toolkit.FanOut.DefenderTenantFanOut<DefenderTenantClient>";
        writer.Summary("The same work for many customer tenants, a few at once, with a result per tenant: its value, or why it has none (not consented, with the link; throttled, with the wait; a service error, with its code).");
        writer.Line("/// <param name=\"tenantIds\">Tenant ids (GUIDs) or verified domains, each allowed by the credential; each is taken once.</param>");
        writer.Line("/// <param name=\"options\">How many tenants at once (default 8) and whom to tell of progress.</param>");
        writer.Line("/// <exception cref=\"global::System.ArgumentException\">A tenant id is blank.</exception>");
        writer.Open($"public virtual {FanOutType} ForTenants(global::System.Collections.Generic.IEnumerable<string> tenantIds, global::Defender365.Toolkit.FanOut.DefenderFanOutOptions? options = null)");
        writer.Line($"return new {FanOutType}(tenantIds, ForTenant, options);");
        writer.Close();
    }

    // As Azure SDK clients have them: one without options (the defaults, on the manifest's cloud), one with.
    private static void CredentialConstructors(SourceWriter writer, string cloud)
    {
        const string Options = "global::Defender365.Toolkit.Http.DefenderClientOptions";
        writer.Summary($"Creates a client over a credential (DefenderAppCredential or any TokenCredential), with the default options on the {cloud} cloud that defender-scopes.json declares.");
        writer.Line("/// <param name=\"credential\">Tokens per tenant.</param>");
        writer.Line("/// <exception cref=\"global::System.ArgumentNullException\"><paramref name=\"credential\"/> is null.</exception>");
        writer.Line("/// <exception cref=\"global::System.ArgumentException\">The credential signs in to another cloud.</exception>");
        writer.Line("public DefenderClient(global::Azure.Core.TokenCredential credential)");
        writer.Line($"    : this(credential, new {Options} {{ Cloud = {Cloud}.{cloud} }})");
        writer.Line("{");
        writer.Line("}");
        writer.Line();
        writer.Summary("Creates a client over a credential with options (endpoints, retries, logging).");
        writer.Line("/// <param name=\"credential\">Tokens per tenant.</param>");
        writer.Line($"/// <param name=\"options\">Copied, so later changes do not affect the client. Its cloud must be {cloud}, the one defender-scopes.json declares.</param>");
        writer.Line("/// <exception cref=\"global::System.ArgumentNullException\"><paramref name=\"credential\"/> or <paramref name=\"options\"/> is null.</exception>");
        writer.Line("/// <exception cref=\"global::System.ArgumentException\">The options or the credential name another cloud.</exception>");
        writer.Line($"public DefenderClient(global::Azure.Core.TokenCredential credential, {Options} options)");
        writer.Line($"    : this(new {Invoker}(credential, options ?? throw new global::System.ArgumentNullException(nameof(options))))");
        writer.Line("{");
        writer.Line("}");
    }

    private static void TenantClient(SourceWriter writer, ClientSpec spec)
    {
        var areas = spec.Areas.Where(a => !a.IsGraph).ToArray();
        writer.Summary("The Defender APIs for one customer tenant, one property per API area (those the manifest declares nothing in are hidden from IntelliSense).");
        writer.Line(Emitter.GeneratedCodeAttribute);
        writer.Open("public partial class DefenderTenantClient");
        writer.Line($"private readonly {Invoker} _invoker;");
        writer.Line();
        MockingConstructor(writer, "DefenderTenantClient", new[] { "_invoker = null!;", "TenantId = string.Empty;" }.Concat(areas.Select(a => $"{a.Area} = null!;")).Append("GraphSecurity = null!;").ToArray());
        writer.Line();
        writer.Open($"internal DefenderTenantClient({Invoker} invoker, string tenantId)");
        writer.Line("_invoker = invoker;");
        writer.Line("TenantId = tenantId;");
        foreach (var area in areas)
        {
            writer.Line($"{area.Area} = new {area.ClientName}(invoker, tenantId);");
        }

        writer.Line("GraphSecurity = new GraphSecurityClient(invoker, tenantId);");
        writer.Close();
        writer.Line();
        writer.Summary("The tenant the calls go to.");
        writer.Line("public string TenantId { get; }");
        foreach (var area in areas)
        {
            writer.Line();
            Property(writer, area.Property, $"public virtual {area.ClientName} {area.Area} {{ get; }}");
        }

        writer.Line();
        Property(writer, spec.GraphSecurity, "public virtual GraphSecurityClient GraphSecurity { get; }");
        writer.Line();
        writer.Summary("Compares what the manifest declares for a resource with what this tenant's admin consented to (missing and extra permissions).");
        writer.Line("/// <param name=\"resourceId\">The resource id, e.g. DefenderPermissions.ThreatProtection.ResourceId.</param>");
        writer.Line("/// <param name=\"cancellationToken\">Cancels the token request.</param>");
        writer.Line($"public virtual global::System.Threading.Tasks.Task<global::Defender365.Toolkit.Authorization.ConsentDrift> GetConsentDriftAsync(string resourceId, {CancellationToken} cancellationToken = default) =>");
        writer.Line("    _invoker.GetConsentDriftAsync(TenantId, resourceId, DefenderPermissions.Declared.TryGetValue(resourceId, out var declared) ? declared : global::System.Array.Empty<string>(), cancellationToken);");
        writer.Close();
    }

    private static void GraphSecurityClient(SourceWriter writer, IReadOnlyList<AreaSpec> areas)
    {
        writer.Summary("The Microsoft Graph security API for one tenant.");
        writer.Line(Emitter.GeneratedCodeAttribute);
        writer.Open("public partial class GraphSecurityClient");
        MockingConstructor(writer, "GraphSecurityClient", areas.Select(a => $"{a.Area} = null!;").ToArray());
        writer.Line();
        writer.Open($"internal GraphSecurityClient({Invoker} invoker, string tenantId)");
        foreach (var area in areas)
        {
            writer.Line($"{area.Area} = new {area.ClientName}(invoker, tenantId);");
        }

        writer.Close();
        foreach (var area in areas)
        {
            writer.Line();
            Property(writer, area.Property, $"public virtual {area.ClientName} {area.Area} {{ get; }}");
        }

        writer.Close();
    }

    private static string AreaClient(string ns, AreaSpec area)
    {
        var writer = Emitter.Header();
        writer.Open($"namespace {ns}");
        writer.Summary(area.Summary);
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
        MockingConstructor(writer, area.ClientName, "_invoker = null!;", "_tenantId = string.Empty;");
        writer.Line();
        writer.Open($"internal {area.ClientName}({Invoker} invoker, string tenantId)");
        writer.Line("_invoker = invoker;");
        writer.Line("_tenantId = tenantId;");
        writer.Close();
        foreach (var operation in area.Operations)
        {
            writer.Line();
            Method(writer, operation);
            if (operation.SyncName is not null)
            {
                writer.Line();
                SyncMethod(writer, operation);
            }
        }

        writer.Close();
        writer.Close();
        return writer.ToString();
    }

    private static void Method(SourceWriter writer, OperationSpec operation)
    {
        MethodDocs(writer, operation);
        var anyOf = string.Join(", ", operation.AnyOf.Select(SourceWriter.Literal));
        writer.Line($"[global::Defender365.Toolkit.Authorization.RequiresDefenderPermission({SourceWriter.Literal(operation.ResourceId)}, {anyOf}, Operation = {SourceWriter.Literal(operation.Id)})]");
        if (operation.Doc.Hidden)
        {
            writer.Line(Hidden);
        }

        var signature = string.Join(", ", operation.Parameters.Select(Declaration).Append($"{CancellationToken} cancellationToken = default"));
        writer.Open($"public virtual {(operation.IsMultipart ? "async " : string.Empty)}{ReturnType(operation.Response)} {operation.Name}Async({signature})");
        writer.Line($"var arguments = new {Arguments}();");
        foreach (var parameter in operation.Parameters)
        {
            if (Statement(parameter) is { } statement)
            {
                writer.Line(statement);
            }
        }

        if (operation.IsMultipart)
        {
            writer.Line("var form = new global::Defender365.Toolkit.Http.DefenderMultipartForm();");
            foreach (var part in operation.Form)
            {
                if (FormStatement(operation, part) is { } statement)
                {
                    writer.Line(statement);
                }
            }

            writer.Line("form.ApplyTo(arguments);");
        }

        writer.Line(Call(operation));
        writer.Close();
    }

    /// <summary>The incremental sync of a list whose changes the catalog tracks: same permission and visibility as the list.</summary>
    private static void SyncMethod(SourceWriter writer, OperationSpec operation)
    {
        var syncType = $"global::Defender365.Toolkit.Sync.DefenderSync<{operation.Response.ItemType}>";
        writer.Line($"/// <summary>Follows the changes of {operation.Name}Async incrementally: each poll delivers every item changed since the last one, once, keeping its place in <paramref name=\"store\"/>.{(operation.Doc.Hidden ? " Not declared in defender-scopes.json: a call is DEF2001, whose fix declares the permission." : string.Empty)}</summary>");
        writer.Line("/// <remarks>");
        writer.Line("/// <para>At-least-once across a crash, with each item's id to store it idempotently; unreadable items come quarantined with their raw JSON, and the page goes on.</para>");
        writer.Line($"/// <para>Needs the permission of {operation.Name}Async.</para>");
        writer.Line("/// </remarks>");
        writer.Line("/// <param name=\"store\">Where the cursor is kept (a <c>DefenderSyncFileStore</c>, or Redis to share it between instances), and who may poll.</param>");
        writer.Line("/// <param name=\"options\">Overlap, lease, filter and page size; null for the defaults.</param>");
        writer.Line("/// <exception cref=\"global::System.ArgumentNullException\"><paramref name=\"store\"/> is null.</exception>");
        var anyOf = string.Join(", ", operation.AnyOf.Select(SourceWriter.Literal));
        writer.Line($"[global::Defender365.Toolkit.Authorization.RequiresDefenderPermission({SourceWriter.Literal(operation.ResourceId)}, {anyOf}, Operation = {SourceWriter.Literal(operation.Id)})]");
        if (operation.Doc.Hidden)
        {
            writer.Line(Hidden);
        }

        writer.Open($"public virtual {syncType} {operation.SyncName}(global::Defender365.Toolkit.Sync.IDefenderSyncStore store, global::Defender365.Toolkit.Sync.DefenderSyncOptions? options = null)");
        writer.Line($"return _invoker.GetSync({operation.Name}Operation, _tenantId, {operation.Response.TypeInfo}, store ?? throw new global::System.ArgumentNullException(nameof(store)), options);");
        writer.Close();
    }

    private static void MethodDocs(SourceWriter writer, OperationSpec operation)
    {
        writer.Summary(operation.Doc.Summary);
        writer.Line("/// <remarks>");
        foreach (var remark in operation.Remarks)
        {
            writer.Line("/// " + remark);
        }

        writer.Line("/// </remarks>");
        foreach (var parameter in operation.Parameters)
        {
            writer.Line($"/// <param name=\"{parameter.Name.TrimStart('@')}\">{SourceWriter.Escape(parameter.Doc)}</param>");
        }

        writer.Line("/// <param name=\"cancellationToken\">Cancels the call.</param>");
        foreach (var exception in operation.Exceptions)
        {
            writer.Line($"/// <exception cref=\"{exception.Type}\">{exception.When}</exception>");
        }
    }

    private static string Declaration(ParameterSpec parameter) => $"{parameter.Type} {parameter.Name}{(parameter.Optional ? " = null" : string.Empty)}";

    private static string Value(ParameterSpec parameter) => parameter.NullChecked
        ? $"{parameter.Name} ?? throw new global::System.ArgumentNullException(nameof({parameter.Name}))"
        : parameter.Name;

    /// <summary>The statement that puts a parameter into the request arguments; form parts are sent by <see cref="FormStatement"/>.</summary>
    private static string? Statement(ParameterSpec parameter) => parameter.Kind switch
    {
        ParameterKind.Path => $"arguments.Path[{SourceWriter.Literal(parameter.Wire!)}] = {Value(parameter)};",
        ParameterKind.JsonBody => $"arguments.Body = global::Defender365.Toolkit.Serialization.DefenderJson.ToBody({Value(parameter)}, {parameter.Companion});",
        ParameterKind.Filter => $"arguments.Filter = {parameter.Name};",
        ParameterKind.Expand => $"arguments.Expand = {parameter.Name};",
        ParameterKind.Top => $"arguments.Top = {parameter.Name};",
        ParameterKind.QueryText => Query(parameter, parameter.Name),
        ParameterKind.QueryDate => Query(parameter, $"{parameter.Name}.Value.UtcDateTime.ToString(\"yyyy-MM-dd'T'HH:mm:ss'Z'\", global::System.Globalization.CultureInfo.InvariantCulture)"),
        ParameterKind.QueryValue => Query(parameter, $"global::System.Convert.ToString({parameter.Name}.Value, global::System.Globalization.CultureInfo.InvariantCulture)!"),
        _ => null,
    };

    private static string Query(ParameterSpec parameter, string text) =>
        $"if ({parameter.Name} is not null) {{ arguments.Query[{SourceWriter.Literal(parameter.Wire!)}] = {text}; }}";

    private static string? FormStatement(OperationSpec operation, ParameterSpec part) => part.Kind switch
    {
        ParameterKind.File => $"await form.AddFileAsync({SourceWriter.Literal(part.Wire!)}, {part.Companion}, {Value(part)}, {operation.Name}Operation.Body?.MaxFileBytes, cancellationToken).ConfigureAwait(false);",
        ParameterKind.FormField => $"form.Add({SourceWriter.Literal(part.Wire!)}, {part.Name});",
        _ => null,
    };

    private static string ReturnType(ResponseSpec response) => response.Kind switch
    {
        ResponseKind.Pages => $"global::Azure.AsyncPageable<{response.ItemType}>",
        ResponseKind.Item => $"global::System.Threading.Tasks.Task<global::Azure.Response<{response.ItemType}>>",
        _ => "global::System.Threading.Tasks.Task<global::Azure.Response>",
    };

    private static string Call(OperationSpec operation)
    {
        var typeInfo = operation.Response.TypeInfo is { } info ? ", " + info : string.Empty;
        var invoke = operation.Response.Kind == ResponseKind.Pages ? "GetPageableAsync" : "SendAsync";
        var call = $"_invoker.{invoke}({operation.Name}Operation, _tenantId, arguments{typeInfo}, cancellationToken)";
        return operation.IsMultipart ? $"return await {call}.ConfigureAwait(false);" : $"return {call};";
    }

    private static void Property(SourceWriter writer, MemberDoc doc, string declaration)
    {
        writer.Summary(doc.Summary);
        if (doc.Hidden)
        {
            writer.Line(Hidden);
        }

        writer.Line(declaration);
    }

    private static void MockingConstructor(SourceWriter writer, string type, params string[] assignments)
    {
        writer.Summary("For mocking.");
        writer.Open($"protected {type}()");
        foreach (var assignment in assignments)
        {
            writer.Line(assignment);
        }

        writer.Close();
    }
}
