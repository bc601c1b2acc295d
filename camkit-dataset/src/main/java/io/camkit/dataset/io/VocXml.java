package io.camkit.dataset.io;

import io.camkit.core.Box;
import io.camkit.core.CamkitException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/**
 * Pascal VOC XML annotations: {@code <object><name>…</name><bndbox><xmin>…} with 1-based
 * inclusive pixel coordinates, read as half-open 0-based boxes {@code [xmin − 1, xmax)} (the VOC
 * devkit's convention). The parser refuses DTDs and external entities.
 */
public final class VocXml {
  private VocXml() {}

  /** One object: its class name and box. */
  public record VocObject(String name, Box box) {}

  public static List<VocObject> read(Path file) {
    try {
      DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
      f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      f.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
      f.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
      f.setXIncludeAware(false);
      f.setExpandEntityReferences(false);
      Document doc = f.newDocumentBuilder().parse(file.toFile());
      NodeList objects = doc.getElementsByTagName("object");
      List<VocObject> out = new ArrayList<>();
      for (int i = 0; i < objects.getLength(); i++) {
        Element o = (Element) objects.item(i);
        String name = text(o, "name", file);
        Element b = (Element) o.getElementsByTagName("bndbox").item(0);
        if (b == null) {
          throw new CamkitException(file + ": object " + name + " has no bndbox");
        }
        int xmin = (int) Math.round(Double.parseDouble(text(b, "xmin", file)));
        int ymin = (int) Math.round(Double.parseDouble(text(b, "ymin", file)));
        int xmax = (int) Math.round(Double.parseDouble(text(b, "xmax", file)));
        int ymax = (int) Math.round(Double.parseDouble(text(b, "ymax", file)));
        if (xmax < xmin || ymax < ymin) {
          throw new CamkitException(file + ": object " + name + " has an empty box " + xmin + "," + ymin + ","
              + xmax + "," + ymax);
        }
        out.add(new VocObject(name, Box.fromVoc(xmin, ymin, xmax, ymax)));
      }
      return out;
    } catch (IOException | SAXException | ParserConfigurationException | NumberFormatException e) {
      throw new CamkitException("cannot read VOC annotation " + file + ": " + e.getMessage(), e);
    }
  }

  private static String text(Element e, String tag, Path file) {
    NodeList n = e.getElementsByTagName(tag);
    if (n.getLength() == 0) {
      throw new CamkitException(file + ": missing <" + tag + ">");
    }
    return n.item(0).getTextContent().trim();
  }
}
