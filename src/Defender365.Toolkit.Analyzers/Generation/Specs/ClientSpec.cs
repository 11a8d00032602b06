using Defender365.Toolkit.Analyzers.Incremental;

namespace Defender365.Toolkit.Analyzers.Generation.Specs;

// Everything the generated code says, decided by ClientSpecBuilder: names, C# types, null checks, doc text. The emitters
// only print these. Immutable with structural equality (EquatableArray), so the pipeline can cache on them; no Roslyn
// objects. Types are written as the generated code spells them (global::…).

/// <summary>All generated code for one manifest.</summary>
/// <param name="Namespace">Namespace of the clients and permissions.</param>
/// <param name="ModelsNamespace">Namespace of the models (<c>{Namespace}.Models</c>).</param>
/// <param name="Cloud">The manifest's cloud (a <c>DefenderCloud</c> member name).</param>
/// <param name="GraphSecurity">The <c>GraphSecurity</c> property of the tenant client: its summary and visibility.</param>
/// <param name="Areas">One client per catalog area, Defender first, then Graph.</param>
/// <param name="Models">Entities and JSON request bodies.</param>
/// <param name="Enums">Tolerant enums.</param>
/// <param name="Permissions">The <c>DefenderPermissions</c> constants.</param>
internal sealed record ClientSpec(
    string Namespace,
    string ModelsNamespace,
    string Cloud,
    MemberDoc GraphSecurity,
    EquatableArray<AreaSpec> Areas,
    EquatableArray<ModelSpec> Models,
    EquatableArray<EnumSpec> Enums,
    EquatableArray<ResourcePermissionsSpec> Permissions);

/// <summary>The doc summary of a generated member and whether IntelliSense hides it (not declared in the manifest).</summary>
internal sealed record MemberDoc(string Summary, bool Hidden);

/// <summary>One area client (<c>IncidentsClient</c>) and the tenant-client property that returns it.</summary>
/// <param name="IsGraph">A Microsoft Graph security area (a property of <c>GraphSecurityClient</c>).</param>
/// <param name="Area">The property name (<c>Incidents</c>).</param>
/// <param name="ClientName">The class name (<c>IncidentsClient</c>, <c>GraphSecurityIncidentsClient</c>).</param>
/// <param name="Property">The property's doc.</param>
/// <param name="Summary">The class's summary.</param>
/// <param name="Operations">Its operations, by name.</param>
internal sealed record AreaSpec(bool IsGraph, string Area, string ClientName, MemberDoc Property, string Summary, EquatableArray<OperationSpec> Operations);

/// <summary>One <c>{Name}Async</c> method.</summary>
/// <param name="Id">The catalog id the method's <c>DefenderOperation</c> is looked up by.</param>
/// <param name="Name">The method name without <c>Async</c>.</param>
/// <param name="ResourceId">The resource of <c>[RequiresDefenderPermission]</c>.</param>
/// <param name="AnyOf">Its application permissions, least privileged first.</param>
/// <param name="Doc">Summary and visibility.</param>
/// <param name="Remarks">Each remarks paragraph, as XML doc text (already escaped).</param>
/// <param name="Parameters">The parameters in signature order (cancellation token not included).</param>
/// <param name="Form">For a file upload, the form parts in the order they are sent; otherwise empty.</param>
/// <param name="Response">What the method returns.</param>
/// <param name="Exceptions">What it throws, and when.</param>
/// <param name="SyncName">For a list the catalog tracks changes of, the name of its incremental sync method (<c>SyncIncidents</c>); otherwise null.</param>
internal sealed record OperationSpec(
    string Id,
    string Name,
    string ResourceId,
    EquatableArray<string> AnyOf,
    MemberDoc Doc,
    EquatableArray<string> Remarks,
    EquatableArray<ParameterSpec> Parameters,
    EquatableArray<ParameterSpec> Form,
    ResponseSpec Response,
    EquatableArray<ExceptionDoc> Exceptions,
    string? SyncName = null)
{
    public bool IsMultipart => Form.Count > 0;
}

/// <summary>An <c>&lt;exception&gt;</c> line of a method's docs.</summary>
/// <param name="Type">The exception type as a <c>cref</c> (<c>global::…</c>).</param>
/// <param name="When">When it is thrown, as XML doc text (already escaped; may hold <c>&lt;paramref&gt;</c>).</param>
internal sealed record ExceptionDoc(string Type, string When);

/// <summary>How a parameter's value reaches the request.</summary>
internal enum ParameterKind
{
    /// <summary>A path placeholder (<c>arguments.Path[wire]</c>).</summary>
    Path,

    /// <summary>The JSON request body; <see cref="ParameterSpec.Companion"/> is its JSON type information.</summary>
    JsonBody,

    /// <summary>The file of a multipart upload; <see cref="ParameterSpec.Companion"/> is the file-name parameter.</summary>
    File,

    /// <summary>The name the uploaded file is stored under (sent with <see cref="File"/>).</summary>
    FileName,

    /// <summary>A text field of a multipart upload.</summary>
    FormField,

    /// <summary>OData <c>$filter</c>.</summary>
    Filter,

    /// <summary>OData <c>$expand</c>.</summary>
    Expand,

    /// <summary>OData <c>$top</c> (the total for a list).</summary>
    Top,

    /// <summary>Another query parameter, sent as text.</summary>
    QueryText,

    /// <summary>Another query parameter, a date sent as UTC ISO 8601 to the second.</summary>
    QueryDate,

    /// <summary>Another query parameter, a number or flag sent in invariant form.</summary>
    QueryValue,
}

/// <summary>One parameter of a generated method.</summary>
/// <param name="Kind">How its value is sent.</param>
/// <param name="Name">The C# name (escaped with <c>@</c> when a keyword).</param>
/// <param name="Type">The C# type.</param>
/// <param name="Doc">Its doc text (not escaped).</param>
/// <param name="Wire">The name the API uses (path placeholder, form field, query parameter), when it has one.</param>
/// <param name="Optional">Declared <c>= null</c>.</param>
/// <param name="NullChecked">A null argument throws <c>ArgumentNullException</c>.</param>
/// <param name="Companion">See <see cref="ParameterKind"/>.</param>
internal sealed record ParameterSpec(ParameterKind Kind, string Name, string Type, string Doc, string? Wire = null, bool Optional = false, bool NullChecked = false, string? Companion = null);

/// <summary>What a method returns.</summary>
internal enum ResponseKind
{
    /// <summary><c>Task&lt;Response&gt;</c>.</summary>
    NoContent,

    /// <summary><c>Task&lt;Response&lt;T&gt;&gt;</c>.</summary>
    Item,

    /// <summary><c>AsyncPageable&lt;T&gt;</c>, pages fetched as needed.</summary>
    Pages,
}

/// <param name="Kind">The shape.</param>
/// <param name="ItemType">The C# type of the item; null for <see cref="ResponseKind.NoContent"/>.</param>
/// <param name="TypeInfo">The expression of its JSON type information; null for <see cref="ResponseKind.NoContent"/>.</param>
internal sealed record ResponseSpec(ResponseKind Kind, string? ItemType, string? TypeInfo);

/// <summary>The constants of one resource in <c>DefenderPermissions</c>.</summary>
/// <param name="ClassName">The nested class (<c>ThreatProtection</c>).</param>
/// <param name="ResourceId">The catalog id.</param>
/// <param name="Summary">The class's summary.</param>
/// <param name="Constants">One constant per declared permission, ordinal order.</param>
/// <param name="Application">Constant names of the application permissions.</param>
/// <param name="Delegated">Constant names of the delegated permissions.</param>
internal sealed record ResourcePermissionsSpec(string ClassName, string ResourceId, string Summary, EquatableArray<PermissionConstantSpec> Constants, EquatableArray<string> Application, EquatableArray<string> Delegated);

/// <param name="Name">The constant's name.</param>
/// <param name="Value">The permission.</param>
/// <param name="Summary">Its summary (which kinds declare it).</param>
internal sealed record PermissionConstantSpec(string Name, string Value, string Summary);
