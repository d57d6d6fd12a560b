package dev.spatialvqa.transforms.sink;

import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.apache.beam.sdk.coders.CannotProvideCoderException;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderProvider;
import org.apache.beam.sdk.coders.CoderProviderRegistrar;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.values.TypeDescriptor;

/**
 * Registers {@link AvroCoder} for the project's generated Avro records ({@code
 * dev.spatialvqa.schemas.*}) in every pipeline, through Beam's service loader, so no pipeline or
 * test has to register them by hand.
 */
public final class SpatialVqaCoderRegistrar implements CoderProviderRegistrar {
  @Override
  public List<CoderProvider> getCoderProviders() {
    return List.of(new SpecificRecordCoderProvider());
  }

  static final class SpecificRecordCoderProvider extends CoderProvider {
    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public <T> Coder<T> coderFor(TypeDescriptor<T> type, List<? extends Coder<?>> componentCoders)
        throws CannotProvideCoderException {
      Class<? super T> raw = type.getRawType();
      if (SpecificRecord.class.isAssignableFrom(raw)
          && raw.getPackageName().startsWith("dev.spatialvqa.")) {
        return (Coder<T>) AvroCoder.specific((Class) raw);
      }
      throw new CannotProvideCoderException(raw + " is not a spatialvqa Avro record");
    }
  }
}
