package dev.zarrjvm.model;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;

/**
 * What a group holds, from metadata alone: its backend, format ({@code zarr-v2}, {@code zarr-v3}, {@code netcdf3},
 * {@code netcdf4}), path, attributes (with the NumPy element type of each numeric one where the format has types:
 * {@code attributeTypes}), the names of its arrays and subgroups, and notes: what the reader said about it
 * (e.g. netCDF-Java's variables skipped while parsing the file).
 */
public record GroupInfo(String backend, String format, String path, Map<String, Object> attributes,
    Map<String, String> attributeTypes, List<String> arrays, List<String> groups, List<String> notes) {
  public GroupInfo {
    attributeTypes = Map.copyOf(attributeTypes);
    arrays = List.copyOf(arrays);
    groups = List.copyOf(groups);
    notes = List.copyOf(notes);
  }

  /** A group whose attributes carry no element types (Zarr's are JSON). */
  public GroupInfo(String backend, String format, String path, Map<String, Object> attributes, List<String> arrays,
      List<String> groups, List<String> notes) {
    this(backend, format, path, attributes, Map.of(), arrays, groups, notes);
  }

  /** The form the Python side reads (one crossing when a group is opened). */
  public String toJson() {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("backend", backend);
    o.put("format", format);
    o.put("path", path);
    o.set("attributes", Json.MAPPER.valueToTree(attributes));
    o.set("attribute_types", Json.MAPPER.valueToTree(attributeTypes));
    ArrayNode a = o.putArray("arrays");
    arrays.forEach(a::add);
    ArrayNode g = o.putArray("groups");
    groups.forEach(g::add);
    ArrayNode n = o.putArray("notes");
    notes.forEach(n::add);
    return Json.write(o);
  }
}
