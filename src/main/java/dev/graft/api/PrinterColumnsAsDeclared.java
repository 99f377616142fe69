package dev.graft.api;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crdv2.generator.CRDPostProcessor;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Build-time step of the CRD generation: the printer columns of a Graft CRD in the order its class
 * declares them ({@code @AdditionalPrinterColumn}, e.g. OS, Image, Phase, VM, Age for a
 * GraftedVirtualMachine). The fabric8 generator sorts them by JSON path, which put Age first. The
 * class is found by the CRD's kind in this package; a CRD of another kind is left as it is.
 */
public class PrinterColumnsAsDeclared implements CRDPostProcessor {

  @Override
  public HasMetadata process(HasMetadata crd, String crdSpecVersion) {
    if (crd instanceof CustomResourceDefinition v1) {
      List<String> declared = declaredOrder(v1.getSpec().getNames().getKind());
      if (!declared.isEmpty()) {
        for (CustomResourceDefinitionVersion version : v1.getSpec().getVersions()) {
          if (version.getAdditionalPrinterColumns() != null) {
            version.setAdditionalPrinterColumns(
                sorted(version.getAdditionalPrinterColumns(), declared));
          }
        }
      }
    }
    return crd;
  }

  /** Columns by their position among the declared names; undeclared ones after, as they were. */
  static List<CustomResourceColumnDefinition> sorted(
      List<CustomResourceColumnDefinition> columns, List<String> declared) {
    List<CustomResourceColumnDefinition> out = new ArrayList<>(columns);
    out.sort(
        Comparator.comparingInt(
            c -> {
              int i = declared.indexOf(c.getName());
              return i < 0 ? declared.size() : i;
            }));
    return out;
  }

  /** The column names the API class of this kind declares, in order (empty: no such class). */
  static List<String> declaredOrder(String kind) {
    try {
      Class<?> type =
          Class.forName(
              PrinterColumnsAsDeclared.class.getPackageName() + "." + kind,
              false,
              PrinterColumnsAsDeclared.class.getClassLoader());
      return Arrays.stream(type.getAnnotationsByType(AdditionalPrinterColumn.class))
          .map(AdditionalPrinterColumn::name)
          .toList();
    } catch (ClassNotFoundException e) {
      return List.of();
    }
  }
}
