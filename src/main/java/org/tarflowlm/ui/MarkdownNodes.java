package org.tarflowlm.ui;

import java.util.List;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.control.Separator;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.VBox;
import javafx.scene.text.Text;
import javafx.scene.text.TextFlow;
import org.commonmark.ext.gfm.tables.TableBlock;
import org.commonmark.ext.gfm.tables.TableCell;
import org.commonmark.ext.gfm.tables.TableRow;
import org.commonmark.ext.gfm.tables.TablesExtension;
import org.commonmark.node.BlockQuote;
import org.commonmark.node.BulletList;
import org.commonmark.node.Code;
import org.commonmark.node.Emphasis;
import org.commonmark.node.FencedCodeBlock;
import org.commonmark.node.HardLineBreak;
import org.commonmark.node.Heading;
import org.commonmark.node.IndentedCodeBlock;
import org.commonmark.node.Link;
import org.commonmark.node.ListItem;
import org.commonmark.node.OrderedList;
import org.commonmark.node.Paragraph;
import org.commonmark.node.SoftLineBreak;
import org.commonmark.node.StrongEmphasis;
import org.commonmark.node.ThematicBreak;
import org.commonmark.parser.Parser;

/**
 * Markdown (CommonMark with GitHub tables) as JavaFX nodes, for the model card: headings, paragraphs
 * with emphasis, code and links, lists, code blocks, tables, quotes and rules. Styles are the
 * {@code md-*} classes of explorer.css.
 */
final class MarkdownNodes {
  private static final Parser PARSER = Parser.builder().extensions(List.of(TablesExtension.create())).build();

  private MarkdownNodes() {}

  static VBox render(String markdown) {
    VBox out = new VBox(8);
    out.getStyleClass().add("md");
    blocks(PARSER.parse(markdown), out);
    return out;
  }

  private static void blocks(org.commonmark.node.Node parent, VBox out) {
    for (org.commonmark.node.Node n = parent.getFirstChild(); n != null; n = n.getNext()) {
      Node block = block(n);
      if (block != null) {
        out.getChildren().add(block);
      }
    }
  }

  private static Node block(org.commonmark.node.Node n) {
    if (n instanceof Heading h) {
      TextFlow flow = inline(h);
      flow.getStyleClass().add("md-h" + Math.min(h.getLevel(), 3));
      return flow;
    }
    if (n instanceof Paragraph p) {
      return inline(p);
    }
    if (n instanceof FencedCodeBlock c) {
      return code(c.getLiteral());
    }
    if (n instanceof IndentedCodeBlock c) {
      return code(c.getLiteral());
    }
    if (n instanceof BulletList || n instanceof OrderedList) {
      VBox list = new VBox(3);
      int number = n instanceof OrderedList o ? o.getMarkerStartNumber() : 0;
      for (org.commonmark.node.Node item = n.getFirstChild(); item != null; item = item.getNext()) {
        VBox body = new VBox(3);
        blocks((ListItem) item, body);
        Label marker = new Label(n instanceof OrderedList ? (number++) + "." : "\u2022");
        marker.getStyleClass().add("md-marker");
        list.getChildren().add(new HBox(6, marker, body));
      }
      return list;
    }
    if (n instanceof TableBlock t) {
      return table(t);
    }
    if (n instanceof BlockQuote q) {
      VBox quote = new VBox(4);
      quote.getStyleClass().add("md-quote");
      blocks(q, quote);
      return quote;
    }
    if (n instanceof ThematicBreak) {
      return new Separator();
    }
    return null;
  }

  private static Node code(String literal) {
    Text text = new Text(literal.stripTrailing());
    text.getStyleClass().add("md-code");
    TextFlow flow = new TextFlow(text);
    flow.getStyleClass().add("md-code-block");
    return flow;
  }

  private static GridPane table(TableBlock t) {
    GridPane grid = new GridPane();
    grid.getStyleClass().add("md-table");
    int row = 0;
    for (org.commonmark.node.Node section = t.getFirstChild(); section != null; section = section.getNext()) {
      for (org.commonmark.node.Node r = section.getFirstChild(); r != null; r = r.getNext()) {
        int col = 0;
        for (org.commonmark.node.Node c = ((TableRow) r).getFirstChild(); c != null; c = c.getNext()) {
          TextFlow cell = inline(c);
          cell.getStyleClass().add(((TableCell) c).isHeader() ? "md-th" : "md-td");
          grid.add(cell, col++, row);
        }
        row++;
      }
    }
    return grid;
  }

  /** The inline content of a block: text runs styled by emphasis, code and links. */
  private static TextFlow inline(org.commonmark.node.Node block) {
    TextFlow flow = new TextFlow();
    runs(block, flow, "");
    return flow;
  }

  private static void runs(org.commonmark.node.Node parent, TextFlow flow, String style) {
    for (org.commonmark.node.Node n = parent.getFirstChild(); n != null; n = n.getNext()) {
      if (n instanceof org.commonmark.node.Text t) {
        flow.getChildren().add(run(t.getLiteral(), style));
      } else if (n instanceof Code c) {
        flow.getChildren().add(run(c.getLiteral(), style + " md-inline-code"));
      } else if (n instanceof SoftLineBreak) {
        flow.getChildren().add(run(" ", style));
      } else if (n instanceof HardLineBreak) {
        flow.getChildren().add(run("\n", style));
      } else if (n instanceof Emphasis) {
        runs(n, flow, style + " md-em");
      } else if (n instanceof StrongEmphasis) {
        runs(n, flow, style + " md-strong");
      } else if (n instanceof Link) {
        runs(n, flow, style + " md-link");
      } else {
        runs(n, flow, style);
      }
    }
  }

  private static Text run(String s, String style) {
    Text t = new Text(s);
    t.getStyleClass().add("md-text");
    for (String c : style.trim().split(" +")) {
      if (!c.isEmpty()) {
        t.getStyleClass().add(c);
      }
    }
    return t;
  }
}
