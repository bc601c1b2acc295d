package io.camkit.dataset.io;

import io.camkit.core.Box;
import io.camkit.core.CamkitException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.ErrorHandler;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;

/**
 * Pascal VOC XML annotations: {@code <object><name>…</name><bndbox><xmin>…} with 1-based
 * inclusive pixel coordinates, read as half-open 0-based boxes {@code [xmin − 1, xmax)} (the VOC
 * devkit's convention). The parser refuses DTDs and external entities and prints nothing: its
 * errors come back as the exception's message.
 */
public final class VocXml {
  private VocXml() {}

  /** One object: its class name and box. */
  public record VocObject(String name, Box box) {}

  /**
   * A parsed file: the objects with a usable box, and one line for each object whose box was not
   * usable (inverted, NaN or infinite coordinates), which is left out of {@code objects}.
   */
  public record Parsed(List<VocObject> objects, List<BadBox> badBoxes) {
    public Parsed {
      objects = List.copyOf(objects);
      badBoxes = List.copyOf(badBoxes);
    }
  }

  /** An object whose box was left out, with its class name and why. */
  public record BadBox(String name, String reason) {}

  /** A file that does not parse as a VOC annotation; {@link #reason()} says why without the file. */
  public static final class MalformedException extends CamkitException {
    private static final long serialVersionUID = 1L;
    private final String reason;

    MalformedException(Path file, String reason, Throwable cause) {
      super("cannot read VOC annotation " + file + ": " + reason, cause);
      this.reason = reason;
    }

    public String reason() {
      return reason;
    }
  }

  /** Silences the parser's default handler, which prints {@code [Fatal Error] …} to stderr. */
  private static final ErrorHandler QUIET = new ErrorHandler() {
    @Override
    public void warning(SAXParseException e) {}

    @Override
    public void error(SAXParseException e) throws SAXException {
      throw e;
    }

    @Override
    public void fatalError(SAXParseException e) throws SAXException {
      throw e;
    }
  };

  /**
   * Parses {@code file}. A file that is not well-formed XML, holds a DTD, or lacks an object's
   * {@code name}, {@code bndbox} or a coordinate gives a {@link MalformedException} naming it; a bad
   * box of one object is reported in {@link Parsed#badBoxes()} and the other objects are kept.
   */
  public static Parsed read(Path file) {
    Document doc;
    try {
      DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
      f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      f.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
      f.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
      f.setXIncludeAware(false);
      f.setExpandEntityReferences(false);
      DocumentBuilder builder = f.newDocumentBuilder();
      builder.setErrorHandler(QUIET);
      doc = builder.parse(file.toFile());
    } catch (IOException | SAXException | ParserConfigurationException e) {
      throw new MalformedException(file, e.getMessage(), e);
    }
    NodeList objects = doc.getElementsByTagName("object");
    List<VocObject> out = new ArrayList<>();
    List<BadBox> bad = new ArrayList<>();
    for (int i = 0; i < objects.getLength(); i++) {
      Element o = (Element) objects.item(i);
      String name = text(o, "name", file);
      Element b = (Element) o.getElementsByTagName("bndbox").item(0);
      if (b == null) {
        throw new MalformedException(file, "object " + name + " has no <bndbox>", null);
      }
      double[] v = new double[4];
      String[] tags = {"xmin", "ymin", "xmax", "ymax"};
      for (int k = 0; k < 4; k++) {
        String t = text(b, tags[k], file);
        try {
          v[k] = Double.parseDouble(t);
        } catch (NumberFormatException e) {
          throw new MalformedException(file, "object " + name + " has <" + tags[k] + "> '" + t + "', not a number",
              e);
        }
      }
      String coords = fmt(v[0]) + "," + fmt(v[1]) + "," + fmt(v[2]) + "," + fmt(v[3]);
      if (!(Double.isFinite(v[0]) && Double.isFinite(v[1]) && Double.isFinite(v[2]) && Double.isFinite(v[3]))) {
        bad.add(new BadBox(name, "object " + name + " has a box with a non-finite coordinate " + coords));
        continue;
      }
      int xmin = (int) Math.round(v[0]);
      int ymin = (int) Math.round(v[1]);
      int xmax = (int) Math.round(v[2]);
      int ymax = (int) Math.round(v[3]);
      if (xmax < xmin || ymax < ymin) {
        bad.add(new BadBox(name, "object " + name + " has an inverted box " + coords + " (xmin,ymin,xmax,ymax)"));
        continue;
      }
      out.add(new VocObject(name, Box.fromVoc(xmin, ymin, xmax, ymax)));
    }
    return new Parsed(out, bad);
  }

  private static String fmt(double v) {
    return v == Math.rint(v) && Double.isFinite(v) ? Long.toString((long) v) : Double.toString(v);
  }

  private static String text(Element e, String tag, Path file) {
    NodeList n = e.getElementsByTagName(tag);
    if (n.getLength() == 0) {
      throw new MalformedException(file, "missing <" + tag + ">", null);
    }
    return n.item(0).getTextContent().trim();
  }
}
