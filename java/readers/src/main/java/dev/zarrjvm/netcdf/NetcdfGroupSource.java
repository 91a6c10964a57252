package dev.zarrjvm.netcdf;

import dev.zarrjvm.backend.ReaderOptions;
import dev.zarrjvm.errors.ArrayNotFoundException;
import dev.zarrjvm.errors.Errors;
import dev.zarrjvm.errors.InvalidArgumentException;
import dev.zarrjvm.errors.UnsupportedException;
import dev.zarrjvm.model.GroupInfo;
import dev.zarrjvm.model.GroupSource;
import dev.zarrjvm.model.Node;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import ucar.nc2.Group;
import ucar.nc2.Variable;

/**
 * A NetCDF file's root group or a NetCDF-4 subgroup: variables as arrays, subgroups as groups. The group and every
 * member opened through it share one open file ({@link SharedFile}) and the group's reader options.
 */
final class NetcdfGroupSource implements GroupSource {
  private final SharedFile.Handle file;
  private final Group group;
  private final ReaderOptions options;
  private final GroupInfo info;
  private volatile boolean closed;

  /** Takes ownership of {@code file} (closed with this group, or now if opening fails). */
  NetcdfGroupSource(SharedFile.Handle file, Group group, ReaderOptions options) {
    this.file = file;
    this.group = group;
    this.options = options;
    try {
      List<String> arrays = new ArrayList<>();
      for (Variable v : group.getVariables()) {
        arrays.add(NetcdfFiles.userName(v)); // HDF5's names, spaces included, as h5py and netCDF4-python list them
      }
      List<String> groups = new ArrayList<>();
      for (Group sub : group.getGroups()) {
        groups.add(sub.getShortName());
      }
      this.info = new GroupInfo(NetcdfBackend.NAME, NetcdfFiles.format(file.nc()), path(group),
          NetcdfFiles.attributes(group.getAttributes(), Set.of()),
          NetcdfFiles.attributeTypes(group.getAttributes(), Set.of()),
          arrays, groups, file.messages().stream().map(m -> "netCDF-Java: " + m).toList());
    } catch (Throwable t) {
      file.close();
      throw Errors.translate(t, Errors.Phase.OPEN, "opening group '" + path(group) + "' of " + file.nc().getLocation());
    }
  }

  /** A group's path from the root, without a leading '/' ("" for the root). */
  static String path(Group g) {
    List<String> parts = new ArrayList<>();
    for (Group cur = g; cur != null && cur.getParentGroup() != null; cur = cur.getParentGroup()) {
      parts.add(0, cur.getShortName());
    }
    return String.join("/", parts);
  }

  @Override
  public GroupInfo info() {
    return info;
  }

  @Override
  public Node open(String path) {
    if (closed) {
      throw new InvalidArgumentException("group '" + info.path() + "' of " + file.nc().getLocation() + " is closed");
    }
    Object member = NetcdfFiles.resolve(group, path);
    if (member instanceof Variable v) {
      return new NetcdfVariableSource(file.retain(), v, options);
    }
    if (member instanceof Group g) {
      return new NetcdfGroupSource(file.retain(), g, options);
    }
    UnsupportedException szip = NetcdfFiles.szipSkipped(file.messages(), path, file.nc().getLocation());
    if (szip != null) {
      throw szip;
    }
    List<String> names = new ArrayList<>(info.arrays());
    names.addAll(info.groups());
    throw new ArrayNotFoundException("no member '" + path + "' in group '" + (info.path().isEmpty() ? "/" : info.path())
        + "' of " + file.nc().getLocation() + " (members: " + names + ")");
  }

  @Override
  public void close() {
    closed = true;
    file.close();
  }
}
