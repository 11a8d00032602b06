using System;
using System.Collections.Generic;
using System.Linq;
using Defender365.Toolkit.Analyzers.Catalog;
using Defender365.Toolkit.Analyzers.Generation.Specs;
using Defender365.Toolkit.Analyzers.Incremental;

namespace Defender365.Toolkit.Analyzers.Generation;

/// <summary>
/// Decides the models: one record per entity and JSON request body, its property names (unique, one per wire name),
/// declarations, doc text and the code that reads and writes each; and the tolerant enums with their members.
/// </summary>
internal static class ModelSpecBuilder
{
    public static EquatableArray<ModelSpec> Models(GenerationPlan plan, TypeMapper mapper)
    {
        var catalog = ApiCatalog.Instance;
        var models = new List<ModelSpec>();
        foreach (var entity in plan.Entities)
        {
            if (!catalog.Entities.TryGetValue(entity, out var e))
            {
                models.Add(Model(plan, mapper, Names.Type(entity), $"The {entity} of the Defender APIs.", Array.Empty<CatalogField>()));
                continue;
            }

            // A member of a family reads (and is built with) its base's properties first, then its own.
            var inherited = e.BaseType is { } baseType && catalog.Entities.TryGetValue(baseType, out var parent) ? parent.Fields : Array.Empty<CatalogField>();
            var model = Model(plan, mapper, Names.Type(entity), e.Description ?? $"The {entity} of the Defender APIs.", inherited.Concat(e.Fields).ToArray());
            models.Add(e.Polymorphism is { } family
                ? model with { Family = new FamilySpec(null, 0, family.Discriminator, family.Types.Select(t => new FamilyMemberSpec(t.Key, Names.Type(t.Value))).ToEquatableArray(), Names.Type(family.UnknownType), false) }
                : e.BaseType is { } member
                    ? model with { Family = new FamilySpec(Names.Type(member), WireNames(inherited), null, EquatableArray<FamilyMemberSpec>.Empty, null, e.KeepsRaw) }
                    : model);
        }

        foreach (var operation in plan.Areas.SelectMany(a => a.Operations).Where(o => o.Body is { ContentType: "application/json" }))
        {
            var name = GenerationPlan.RequestTypeName(operation);
            models.Add(Model(plan, mapper, name, $"What {operation.Name}Async sends. Property names are sent exactly as the API spells them; properties left null are not sent.", operation.Body!.Fields));
        }

        return models.ToEquatableArray();
    }

    public static EquatableArray<EnumSpec> Enums(GenerationPlan plan) => plan.Enums
        .Select(name =>
        {
            var typeName = Names.Type(name);
            var values = ApiCatalog.Instance.Enums.TryGetValue(name, out var documented) ? documented : Array.Empty<string>();
            var taken = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { typeName };
            var members = values.Select(v => new EnumMemberSpec(Names.Pascal(v), v)).Where(m => taken.Add(m.Name));
            return new EnumSpec(typeName, members.ToEquatableArray());
        })
        .ToEquatableArray();

    // How many properties the fields make: one per wire name, names differing only in case read as one (as Model does).
    private static int WireNames(IReadOnlyList<CatalogField> fields) => fields.Select(f => f.Name).Distinct(StringComparer.OrdinalIgnoreCase).Count();

    private static ModelSpec Model(GenerationPlan plan, TypeMapper mapper, string typeName, string summary, IReadOnlyList<CatalogField> fields)
    {
        var wire = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var used = new HashSet<string>(StringComparer.Ordinal) { typeName, "EqualityContract" };
        var properties = new List<PropertySpec>();
        foreach (var field in fields)
        {
            // Wire names differing only in case are read as one property.
            if (!wire.Add(field.Name))
            {
                continue;
            }

            var property = Names.Pascal(field.Name);
            while (!used.Add(property))
            {
                property += "Value";
            }

            properties.Add(Property(plan, mapper, field, property));
        }

        return new ModelSpec(typeName, summary, properties.ToEquatableArray());
    }

    private static PropertySpec Property(GenerationPlan plan, TypeMapper mapper, CatalogField field, string property)
    {
        // The catalog's sentence for people; the wire name only when the catalog has none.
        var doc = field.Description ?? $"The '{field.Name}' value.";
        if (field.Required)
        {
            doc += " Required.";
        }

        if (field.AllowedValues.Count > 0)
        {
            doc += $" Documented values: {string.Join(", ", field.AllowedValues)}.";
        }

        // Always sent: never null from the service (the converter refuses a response without it), so no '!' at call sites.
        var valueType = TypeMapper.IsValueType(field.Type);
        var declaration = !field.AlwaysSent
            ? $"public {mapper.PropertyType(field.Type)} {property} {{ get; init; }}"
            : plan.Spec.RequiredMembers
                ? $"public required {mapper.ElementType(field.Type)} {property} {{ get; init; }}"
                : $"public {mapper.ElementType(field.Type)} {property} {{ get; init; }}{(valueType ? string.Empty : " = null!;")}";
        return new PropertySpec(
            field.Name,
            property,
            doc,
            declaration,
            mapper.PropertyType(field.Type),
            mapper.Read(field.Type),
            mapper.Write(field.Type, field.Name, "value." + property),
            field.AlwaysSent,
            Unwrap: field.AlwaysSent && valueType);
    }
}
