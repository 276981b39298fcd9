// talentfin: start Swagger UI on the API's documentation page (a file: the CSP allows no
// inline script). The document's address comes from the page.
(function () {
  "use strict";
  var root = document.getElementById("swagger-ui");

  // An operation's summary is a button; with deep linking on, Swagger UI puts a link to the
  // operation inside it (axe: nested-interactive; a screen reader announces one control,
  // the keyboard meets two). The link is rendered without its address: the button opens
  // the operation, and deep linking still writes the address bar and opens the operation
  // an address names (it works through the layout, not through that link).
  function WithoutNestedLinks(system) {
    return {
      wrapComponents: {
        DeepLink: function (Original) {
          return function (props) {
            return system.React.createElement(Original, Object.assign({}, props, {enabled: false}));
          };
        }
      }
    };
  }

  // What Swagger UI leaves unnamed or out of the keyboard's reach, mended as it renders:
  // a parameter's list of values is named after the parameter (axe: select-name), and a
  // code sample that scrolls can be focused to scroll it (axe: scrollable-region-focusable).
  function mend() {
    root.querySelectorAll("tr[data-param-name] select:not([aria-label])").forEach(function (select) {
      select.setAttribute("aria-label", select.closest("tr").dataset.paramName);
    });
    root.querySelectorAll(".highlight-code pre:not([tabindex])").forEach(function (pre) {
      pre.setAttribute("tabindex", "0");
    });
  }

  new MutationObserver(mend).observe(root, {childList: true, subtree: true});
  window.SwaggerUIBundle({
    url: root.dataset.specUrl,
    domNode: root,
    deepLinking: true,
    tryItOutEnabled: false,
    plugins: [WithoutNestedLinks]
  });
})();
