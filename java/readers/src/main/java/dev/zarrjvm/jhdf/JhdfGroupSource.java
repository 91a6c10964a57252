package dev.zarrjvm.jhdf;

import dev.zarrjvm.backend.ReaderOptions;
import dev.zarrjvm.errors.ArrayNotFoundException;
import dev.zarrjvm.errors.Errors;
import dev.zarrjvm.errors.InvalidArgumentException;
import dev.zarrjvm.model.GroupInfo;
import dev.zarrjvm.model.GroupSource;
import dev.zarrjvm.model.Node;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.exceptions.HdfException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * An HDF5 group read by jHDF: datasets as arrays, subgroups as groups, by the names h5py shows. The group and every
 * member opened through it share one open file. In a NetCDF-4 file, netCDF-C's stand-ins for dimensions without a
 * variable are not listed (as netCDF4-python does not), but open by name.
 */
final class JhdfGroupSource implements GroupSource {
  private final JhdfFile.Handle file;
  private final Group group;
  private final ReaderOptions options;
  private final GroupInfo info;
  private volatile boolean closed;

  /** Takes ownership of {@code file} (closed with this group, or now if opening fails). */
  JhdfGroupSource(JhdfFile.Handle file, Group group, ReaderOptions options) {
    this.file = file;
    this.group = group;
    this.options = options;
    JhdfFile f = file.file();
    try {
      List<String> arrays = new ArrayList<>();
      List<String> groups = new ArrayList<>();
      List<String> notes = new ArrayList<>();
      for (Map.Entry<String, io.jhdf.api.Node> e : group.getChildren().entrySet()) {
        io.jhdf.api.Node n = e.getValue();
        try {
          if (n.isGroup()) {
            groups.add(e.getKey());
          } else if (n instanceof Dataset || n.isLink() && !n.isGroup()) {
            if (!(f.netcdf4 && JhdfAttributes.isPhantomDimension(n))) {
              arrays.add(e.getKey());
            }
          }
        } catch (HdfException broken) { // a soft or external link to nothing
          notes.add("member '" + e.getKey() + "' is not listed: " + JhdfFile.describe(broken));
        }
      }
      notes.addAll(JhdfAttributes.skipped(group, f));
      this.info = new GroupInfo(JhdfBackend.NAME, f.format(), path(group), JhdfAttributes.values(group, f),
          JhdfAttributes.types(group, f), arrays, groups, notes);
    } catch (Throwable t) {
      file.close();
      throw JhdfFile.translate(t, Errors.Phase.OPEN, "jhdf opening group '" + group.getPath() + "' of " + f.path);
    }
  }

  static String path(Group g) {
    return String.valueOf(g.getPath()).replaceAll("^/+|/+$", "");
  }

  @Override
  public GroupInfo info() {
    return info;
  }

  @Override
  public Node open(String path) {
    JhdfFile f = file.file();
    if (closed) {
      throw new InvalidArgumentException("group '" + info.path() + "' of " + f.path + " is closed");
    }
    io.jhdf.api.Node member = f.resolve(group, path);
    if (member instanceof Group g) {
      return new JhdfGroupSource(file.retain(), g, options);
    }
    if (member instanceof Dataset d) {
      return new JhdfDatasetSource(file.retain(), d, options);
    }
    List<String> names = new ArrayList<>(info.arrays());
    names.addAll(info.groups());
    throw new ArrayNotFoundException("no member '" + path + "' in group '" + (info.path().isEmpty() ? "/" : info.path())
        + "' of " + f.path + (member == null ? "" : " (it is an HDF5 " + member.getType() + ")") + " (members: "
        + names + ")");
  }

  @Override
  public void close() {
    closed = true;
    file.close();
  }
}
