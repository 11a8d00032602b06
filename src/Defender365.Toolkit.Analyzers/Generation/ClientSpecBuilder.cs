using System;
using System.Collections.Generic;
using System.Linq;
using Defender365.Toolkit.Analyzers.Catalog;
using Defender365.Toolkit.Analyzers.Generation.Specs;
using Defender365.Toolkit.Analyzers.Incremental;

namespace Defender365.Toolkit.Analyzers.Generation;

/// <summary>
/// Decides what the generated code says for a manifest: which areas and operations, their parameter names and C# types,
/// which arguments are null-checked, how each value is sent, and every doc text. The result (<see cref="ClientSpec"/>)
/// is plain equatable data that the emitters only print.
/// </summary>
internal static class ClientSpecBuilder
{
    /// <summary>The note on everything the manifest does not declare.</summary>
    public const string Undeclared = "Not declared in defender-scopes.json: a call is DEF2001, whose fix declares the permission.";

    public static ClientSpec Build(GenerationSpec spec)
    {
        var plan = GenerationPlan.Create(spec);
        var mapper = new TypeMapper(plan.ModelsNamespace);
        var graph = new MemberDoc(
            "The Microsoft Graph security API, with the same areas." + (plan.DeclaresGraph ? string.Empty : " " + Undeclared),
            Hidden: !plan.DeclaresGraph);
        return new ClientSpec(
            spec.Namespace,
            plan.ModelsNamespace,
            spec.Cloud,
            graph,
            plan.Areas.Select(a => Area(mapper, a)).ToEquatableArray(),
            ModelSpecBuilder.Models(plan, mapper),
            ModelSpecBuilder.Enums(plan),
            Permissions(spec));
    }

    private static AreaSpec Area(TypeMapper mapper, AreaPlan area)
    {
        var property = area.IsGraph ? $"The Graph security {area.Area} operations." : $"The {area.Area} operations.";
        return new AreaSpec(
            area.IsGraph,
            area.Area,
            area.ClientName,
            new MemberDoc(area.IsDeclared ? property : $"{property} {Undeclared}", Hidden: !area.IsDeclared),
            $"The {(area.IsGraph ? "Microsoft Graph security " : string.Empty)}{area.Area} operations for one tenant. Every operation of the area is here; those the manifest does not allow are hidden from IntelliSense, and a call to one is reported by DEF2001.",
            area.Operations.Select(o => Operation(mapper, o, area.Declares(o))).ToEquatableArray());
    }

    private static OperationSpec Operation(TypeMapper mapper, CatalogOperation operation, bool declared)
    {
        var used = new HashSet<string>(StringComparer.Ordinal) { "cancellationToken", "arguments" };
        var parameters = new List<ParameterSpec>();
        parameters.AddRange(operation.PathParameters.Select(path => new ParameterSpec(
            ParameterKind.Path,
            Unique(Names.Parameter(path.Name), used),
            mapper.ElementType(path.Type),
            path.Description ?? $"The '{path.Name}' path value.",
            path.Name,
            NullChecked: path.Type == "string")));

        var form = new List<ParameterSpec>();
        if (operation.Body is { ContentType: not "application/json" } multipart)
        {
            form.AddRange(FormParts(mapper, multipart, used));

            // C# wants optional parameters last: the file and its name, the required fields, then the optional ones.
            parameters.AddRange(form.Where(p => !p.Optional));
            parameters.AddRange(form.Where(p => p.Optional));
        }
        else if (operation.Body is not null)
        {
            var type = GenerationPlan.RequestTypeName(operation);
            parameters.Add(new ParameterSpec(ParameterKind.JsonBody, "body", $"{mapper.Models}.{type}", "The request body.", NullChecked: true, Companion: $"{mapper.Models}.DefenderJsonContext.{type}"));
        }

        parameters.AddRange(QueryParameters(mapper, operation, used));
        return new OperationSpec(
            operation.Id,
            operation.Name,
            operation.Resource,
            operation.ApplicationPermissions.ToEquatableArray(),
            new MemberDoc(declared ? operation.Summary : $"{operation.Summary} {Undeclared}", Hidden: !declared),
            Remarks(operation, form.Count > 0),
            parameters.ToEquatableArray(),
            form.ToEquatableArray(),
            Response(mapper, operation),
            Exceptions(operation, parameters, form.Count > 0),
            operation.ChangedAtField is null ? null : "Sync" + (operation.Name.StartsWith("List", StringComparison.Ordinal) ? operation.Name.Substring(4) : operation.Name));
    }

    /// <summary>
    /// What a call throws. A list throws while it is enumerated, not when the method returns, so its docs say so.
    /// </summary>
    private static EquatableArray<ExceptionDoc> Exceptions(CatalogOperation operation, List<ParameterSpec> parameters, bool multipart)
    {
        var when = operation.IsCollection ? " (while the list is enumerated)" : string.Empty;
        var permissions = string.Join(" or ", operation.ApplicationPermissions);
        var exceptions = new List<ExceptionDoc>();
        var nullChecked = parameters.Where(p => p.NullChecked).Select(p => $"<paramref name=\"{p.Name.TrimStart('@')}\"/>").ToArray();
        if (nullChecked.Length > 0)
        {
            exceptions.Add(new ExceptionDoc("global::System.ArgumentNullException", $"{string.Join(" or ", nullChecked)} is null."));
        }

        if (multipart)
        {
            exceptions.Add(new ExceptionDoc("global::System.ArgumentException", "The file is larger than the service accepts; nothing was sent."));
        }

        exceptions.Add(new ExceptionDoc("global::Defender365.Toolkit.Authorization.MissingPermissionException", $"The tenant's token does not grant {permissions}{when}; nothing was sent. The exception names the permission and the admin-consent link."));
        exceptions.Add(new ExceptionDoc("global::Defender365.Toolkit.Authentication.DefenderAuthenticationException", $"No token for the tenant{when}: not consented, a rejected credential, or the token service failing; see its Failure."));
        exceptions.Add(new ExceptionDoc("global::Defender365.Toolkit.Http.DefenderRequestException", $"The service answered with an error after the retries it allows, or the connection failed{when}; see its Failure, Status and ErrorCode."));
        return exceptions.ToEquatableArray();
    }

    /// <summary>A file upload's parts in the order they are sent: the file as a stream plus the name to store it under, and each text field.</summary>
    private static IEnumerable<ParameterSpec> FormParts(TypeMapper mapper, CatalogBody body, HashSet<string> used)
    {
        foreach (var field in body.Fields)
        {
            var name = Unique(Names.Parameter(field.Name), used);
            if (field.Type == "binary")
            {
                var fileName = Unique(name + "Name", used);
                yield return new ParameterSpec(ParameterKind.File, name, "global::System.IO.Stream", field.Description ?? "The file's content.", field.Name, NullChecked: true, Companion: fileName);
                yield return new ParameterSpec(ParameterKind.FileName, fileName, "string", "The name the service stores the file under.");
            }
            else if (field.Required)
            {
                yield return new ParameterSpec(ParameterKind.FormField, name, mapper.ElementType(field.Type), field.Description ?? field.Name, field.Name);
            }
            else
            {
                yield return new ParameterSpec(ParameterKind.FormField, name, mapper.PropertyType(field.Type), field.Description ?? field.Name, field.Name, Optional: true);
            }
        }
    }

    private static IEnumerable<ParameterSpec> QueryParameters(TypeMapper mapper, CatalogOperation operation, HashSet<string> used)
    {
        if (operation.Query is not { } query)
        {
            yield break;
        }

        if (query.Filter.Count > 0)
        {
            yield return new ParameterSpec(ParameterKind.Filter, "filter", "string?", $"OData $filter over {string.Join(", ", query.Filter)}.", Optional: true);
        }

        if (query.Expand.Count > 0)
        {
            yield return new ParameterSpec(ParameterKind.Expand, "expand", "string?", $"OData $expand: {string.Join(", ", query.Expand)}.", Optional: true);
        }

        if (query.MaxTop is not null || query.Skip)
        {
            yield return new ParameterSpec(ParameterKind.Top, "top", "int?", operation.IsCollection ? "The most items to return in total; pages are fetched as needed." : "OData $top.", Optional: true);
        }

        foreach (var extra in query.Parameters.Where(p => !p.Name.StartsWith("$", StringComparison.Ordinal)))
        {
            var kind = extra.Type switch
            {
                "datetime" => ParameterKind.QueryDate,
                "string" => ParameterKind.QueryText,
                _ => ParameterKind.QueryValue,
            };
            yield return new ParameterSpec(kind, Unique(Names.Parameter(extra.Name), used), mapper.PropertyType(extra.Type), extra.Description ?? $"The '{extra.Name}' query value.", extra.Name, Optional: true);
        }
    }

    /// <summary>What the docs add below the summary: the request, the permission it needs, the quota, the page.</summary>
    private static EquatableArray<string> Remarks(CatalogOperation operation, bool multipart)
    {
        var resource = ApiCatalog.Instance.GetResource(operation.Resource);
        var delegated = operation.DelegatedPermissions.Count > 0 ? $" (delegated: {string.Join(", ", operation.DelegatedPermissions.Select(p => $"<c>{p}</c>"))})" : string.Empty;
        var remarks = new List<string>
        {
            $"<para>{operation.Method} {SourceWriter.Escape(operation.Path)} on {SourceWriter.Escape(resource.DisplayName)}.</para>",
            $"<para>Requires one of these application permissions: {string.Join(", ", operation.ApplicationPermissions.Select(p => $"<c>{p}</c>"))}{delegated}.</para>",
        };
        var rate = (operation.PerMinute, operation.PerHour) switch
        {
            (int m, int h) => $"{m} calls per minute, {h} per hour",
            (int m, null) => $"{m} calls per minute",
            (null, int h) => $"{h} calls per hour",
            _ => null,
        };
        if (rate is not null)
        {
            remarks.Add($"<para>Rate limit: {rate}.</para>");
        }

        if (operation.Lifecycle is { } lifecycle)
        {
            remarks.Add($"<para>{SourceWriter.Escape(LifecycleText.Describe(operation, lifecycle))} Source: <see href=\"{SourceWriter.Escape(lifecycle.Source)}\"/>.</para>");
        }

        if (operation.Docs is { } docs)
        {
            remarks.Add($"<para>Documentation: <see href=\"{SourceWriter.Escape(docs)}\"/>.</para>");
        }

        if (multipart)
        {
            remarks.Add("<para>Sent as <c>multipart/form-data</c>; the file is read into memory first, and one larger than the service accepts fails with <see cref=\"global::System.ArgumentException\"/> before anything is sent.</para>");
        }

        return remarks.ToEquatableArray();
    }

    private static ResponseSpec Response(TypeMapper mapper, CatalogOperation operation)
    {
        var (itemType, typeInfo) = operation.ResponseEntity is { } entity
            ? ($"{mapper.Models}.{Names.Type(entity)}", $"{mapper.Models}.DefenderJsonContext.{Names.Type(entity)}")
            : operation.ResponseItemType == "json"
                ? ("global::System.Text.Json.JsonElement", "global::Defender365.Toolkit.Serialization.DefenderJson.JsonElementTypeInfo")
                : ((string?)null, (string?)null);
        var kind = itemType is null ? ResponseKind.NoContent : operation.IsCollection ? ResponseKind.Pages : ResponseKind.Item;
        return new ResponseSpec(kind, itemType, typeInfo);
    }

    private static EquatableArray<ResourcePermissionsSpec> Permissions(GenerationSpec spec) => spec.Resources
        .Select(grant =>
        {
            var resource = ApiCatalog.Instance.GetResource(grant.ResourceId);
            var constants = grant.Application.Concat(grant.Delegated).Distinct().OrderBy(p => p, StringComparer.Ordinal)
                .Select(permission => new PermissionConstantSpec(Names.PermissionConstant(permission), permission, $"{permission} ({Kinds(grant.Application.Contains(permission), grant.Delegated.Contains(permission))} permission)."));
            return new ResourcePermissionsSpec(
                Names.ResourceClass(resource.Id),
                resource.Id,
                $"{resource.DisplayName}: the declared permissions.",
                constants.ToEquatableArray(),
                grant.Application.Select(Names.PermissionConstant).ToEquatableArray(),
                grant.Delegated.Select(Names.PermissionConstant).ToEquatableArray());
        })
        .ToEquatableArray();

    private static string Kinds(bool application, bool delegated) => (application, delegated) switch
    {
        (true, true) => "application and delegated",
        (true, false) => "application",
        _ => "delegated",
    };

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
