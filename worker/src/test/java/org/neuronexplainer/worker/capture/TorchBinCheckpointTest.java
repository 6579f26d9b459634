package org.neuronexplainer.worker.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pytorch_model.bin of the reference weights, written as torch.save writes a state dict by {@code
 * src/test/resources/torch-bin/write_pytorch_model_bin.py}, against the safetensors file it was
 * made from.
 */
class TorchBinCheckpointTest {
  @TempDir Path dir;

  @Test
  void theForwardPassFromPytorchModelBinEqualsTheOneFromSafetensors() throws IOException {
    CheckpointFixture.copyConfig(dir);
    copyFixture(dir.resolve("pytorch_model.bin"));
    int[][] ids = {{5, 17, 300, 44, 511, 0, 9, 128}, {1, 2, 3, 4, 5, 6, 7, 8}};
    try (Gpt2Model fromBin = Gpt2Model.load(dir, ComputeOptions.cpu());
        Gpt2Model fromSafetensors =
            Gpt2Model.load(Fixtures.hfGpt2Reference(), ComputeOptions.cpu())) {
      ForwardResult a = fromBin.forward(ids, new int[] {0, 1}, true);
      ForwardResult b = fromSafetensors.forward(ids, new int[] {0, 1}, true);
      assertThat(a.layer(0)).isEqualTo(b.layer(0));
      assertThat(a.layer(1)).isEqualTo(b.layer(1));
      assertThat(a.logits()).isEqualTo(b.logits());
    }
  }

  @Test
  void aPickleThatNamesAnyOtherGlobalIsRefusedUnread() throws IOException {
    CheckpointFixture.copyConfig(dir);
    // protocol 2: GLOBAL os.system, the string, TUPLE1, REDUCE, STOP: what an attack looks like.
    byte[] evil = {
      (byte) 0x80,
      2,
      'c',
      'o',
      's',
      '\n',
      's',
      'y',
      's',
      't',
      'e',
      'm',
      '\n',
      'X',
      2,
      0,
      0,
      0,
      'i',
      'd',
      (byte) 0x85,
      'R',
      '.'
    };
    writeZip(dir.resolve("pytorch_model.bin"), evil);
    assertThatThrownBy(() -> Gpt2Model.load(dir, ComputeOptions.cpu()))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining("names os.system")
        .hasMessageContaining("refusing to load it");
  }

  @Test
  void unknownOpcodesTruncationAndOtherFormatsAreNamed() throws IOException {
    CheckpointFixture.copyConfig(dir);
    Path bin = dir.resolve("pytorch_model.bin");
    writeZip(bin, new byte[] {(byte) 0x80, 2, 'i', 'x', '\n'}); // INST: not in a state dict
    assertThatThrownBy(() -> Gpt2Model.load(dir, ComputeOptions.cpu()))
        .hasMessageContaining("pickle opcode 0x69 is not one a state dict uses");
    writeZip(bin, new byte[] {(byte) 0x80, 2, '}', 'X', 9, 0, 0});
    assertThatThrownBy(() -> Gpt2Model.load(dir, ComputeOptions.cpu()))
        .hasMessageContaining("the pickle ends early");
    Files.write(bin, new byte[] {(byte) 0x80, 2, '}', '.'}); // a bare pickle: the legacy format
    assertThatThrownBy(() -> Gpt2Model.load(dir, ComputeOptions.cpu()))
        .hasMessageContaining("is not a zip archive");
  }

  @Test
  void aMissingStorageIsNamed() throws IOException {
    CheckpointFixture.copyConfig(dir);
    Path bin = dir.resolve("pytorch_model.bin");
    copyFixture(bin);
    Path stripped = dir.resolve("stripped.bin");
    try (ZipInputStream in = new ZipInputStream(Files.newInputStream(bin));
        ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(stripped))) {
      for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
        if (!e.getName().equals("archive/data/3")) {
          out.putNextEntry(new ZipEntry(e.getName()));
          in.transferTo(out);
          out.closeEntry();
        }
      }
    }
    Files.move(stripped, bin, StandardCopyOption.REPLACE_EXISTING);
    assertThatThrownBy(() -> Gpt2Model.load(dir, ComputeOptions.cpu()))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining("refers to storage 3, missing");
  }

  private static void copyFixture(Path target) throws IOException {
    try (InputStream in =
            TorchBinCheckpointTest.class.getResourceAsStream("/torch-bin/pytorch_model.bin");
        OutputStream out = Files.newOutputStream(target)) {
      in.transferTo(out);
    }
  }

  private static void writeZip(Path target, byte[] pickle) throws IOException {
    try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(target))) {
      out.putNextEntry(new ZipEntry("archive/data.pkl"));
      out.write(pickle);
      out.closeEntry();
      out.putNextEntry(new ZipEntry("archive/version"));
      out.write("3\n".getBytes(StandardCharsets.US_ASCII));
      out.closeEntry();
    }
  }
}
