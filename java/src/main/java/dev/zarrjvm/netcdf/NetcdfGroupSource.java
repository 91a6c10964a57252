package dev.zarrjvm.netcdf;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.zarrjvm.core.ChunkSource;
import dev.zarrjvm.core.GroupSource;
import dev.zarrjvm.core.Json;
import dev.zarrjvm.errors.ArrayNotFoundException;
import dev.zarrjvm.errors.Errors;
import java.nio.file.Path;
import ucar.nc2.Group;
import ucar.nc2.NetcdfFile;
import ucar.nc2.Variable;

/** A NetCDF file's root group or a NetCDF-4 subgroup: variables as arrays, subgroups as groups. */
final class NetcdfGroupSource implements GroupSource {
  private final Path file;
  private final String path;
  private final NetcdfFile nc;
  private final Group group;

  NetcdfGroupSource(Path file, String path) {
    this.file = file;
    this.path = path == null ? "" : path.replaceAll("^/+|/+$", "");
    this.nc = NetcdfFiles.open(file);
    try {
      Group g = nc.getRootGroup();
      if (!this.path.isEmpty()) {
        for (String part : this.path.split("/")) {
          g = g.findGroup(part);
          if (g == null) {
            throw new ArrayNotFoundException("no group '" + this.path + "' in " + file);
          }
        }
      }
      this.group = g;
    } catch (Throwable t) {
      close();
      throw Errors.translate(t, "opening group '" + this.path + "' of " + file);
    }
  }

  @Override
  public String infoJson() {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("backend", NetcdfVariableSource.BACKEND);
    o.put("format", NetcdfFiles.format(nc));
    o.put("path", path);
    o.set("attributes", Json.MAPPER.valueToTree(NetcdfFiles.attributes(group.getAttributes())));
    ArrayNode a = o.putArray("arrays");
    for (Variable v : group.getVariables()) {
      a.add(v.getShortName());
    }
    ArrayNode g = o.putArray("groups");
    for (Group sub : group.getGroups()) {
      g.add(sub.getShortName());
    }
    return Json.write(o);
  }

  private String child(String name) {
    return path.isEmpty() ? name : path + "/" + name;
  }

  @Override
  public ChunkSource openArray(String name) {
    return new NetcdfVariableSource(file, child(name));
  }

  @Override
  public GroupSource openGroup(String name) {
    return new NetcdfGroupSource(file, child(name));
  }

  @Override
  public void close() {
    try {
      nc.close();
    } catch (Exception e) {
      throw Errors.translate(e, "closing " + file);
    }
  }
}
