package dev.zarrjvm.zarrjava;

import dev.zarr.zarrjava.ZarrException;
import dev.zarr.zarrjava.core.ArrayMetadata.CoreArrayMetadata;
import dev.zarr.zarrjava.core.codec.ArrayBytesCodec;
import dev.zarr.zarrjava.core.codec.BytesBytesCodec;
import dev.zarr.zarrjava.core.codec.Codec;
import dev.zarr.zarrjava.core.codec.CodecPipeline;
import dev.zarrjvm.errors.ChunkDecodeException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * zarr-java's own codec pipeline for one array, with one zarrjvm stage between the compressors and the array→bytes
 * codec. zarr-java 0.0.9 hands the decompressed bytes to {@code BytesCodec}, which builds the chunk with
 * {@code ucar.ma2.Array.factory(type, shape, ByteBuffer)} whatever their length: too few bytes leave the rest of the
 * chunk zero (silent wrong numbers), and for 1-byte types the whole backing array is used, slice or not. The stage
 * refuses any length other than chunk elements × item size and hands on an exact buffer. An empty encoded chunk is
 * refused before decoding: no codec encodes a chunk to nothing.
 */
final class CheckedPipeline {
  private final CodecPipeline pipeline;

  /** {@code codecs} in metadata order, {@code meta} the chunk's metadata as zarr-java's own pipeline gets it. */
  CheckedPipeline(Codec[] codecs, CoreArrayMetadata meta) throws ZarrException {
    List<Codec> withCheck = new ArrayList<>(codecs.length + 1);
    for (Codec c : codecs) {
      withCheck.add(c);
      if (c instanceof ArrayBytesCodec) {
        withCheck.add(new SizeCheck());
      }
    }
    this.pipeline = new CodecPipeline(withCheck.toArray(new Codec[0]), meta);
  }

  /** Decodes the encoded bytes of one chunk ({@code what} names it in errors). */
  ucar.ma2.Array decode(byte[] encoded, String what) throws ZarrException {
    if (encoded.length == 0) {
      throw new ChunkDecodeException(what + " is empty (0 bytes): no codec encodes a chunk to nothing");
    }
    try {
      return pipeline.decode(ByteBuffer.wrap(encoded));
    } catch (ChunkDecodeException e) {
      throw new ChunkDecodeException(what + ": " + e.getMessage(), e);
    }
  }

  /**
   * The check stage: decoding is a length check (and an exact copy when the buffer is a slice); encoding is identity.
   */
  static final class SizeCheck extends BytesBytesCodec {
    @Override
    public ByteBuffer decode(ByteBuffer bytes) throws ZarrException {
      long want = resolveArrayMetadata().chunkByteLength();
      if (bytes.remaining() != want) {
        CoreArrayMetadata m = resolveArrayMetadata();
        throw new ChunkDecodeException("decompressed to " + bytes.remaining() + " bytes, but a chunk of shape "
            + java.util.Arrays.toString(m.chunkShape) + " of " + m.dataType + " is " + want + " bytes");
      }
      if (bytes.hasArray() && bytes.arrayOffset() == 0 && bytes.position() == 0
          && bytes.array().length == bytes.limit()) {
        return bytes;
      }
      byte[] exact = new byte[bytes.remaining()];
      bytes.duplicate().get(exact);
      return ByteBuffer.wrap(exact);
    }

    @Override
    public ByteBuffer encode(ByteBuffer bytes) {
      return bytes;
    }

    @Override
    public long computeEncodedSize(long inputByteLength, CoreArrayMetadata arrayMetadata) {
      return inputByteLength;
    }
  }
}
