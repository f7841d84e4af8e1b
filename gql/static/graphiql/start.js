// Starts GraphiQL on this page's address: queries over HTTP, subscriptions over websockets.
// `q` and `variables` in the address prefill the editors (links in messages use them).
const parameters = Object.fromEntries(new URLSearchParams(window.location.search));
const fetchURL = window.location.href.split("?")[0];
const subscriptionURL = new URL(fetchURL);
subscriptionURL.protocol = subscriptionURL.protocol === "https:" ? "wss:" : "ws:";

function updateURL(changes) {
  Object.assign(parameters, changes);
  const kept = Object.entries(parameters).filter(([, value]) => Boolean(value));
  history.replaceState(null, "", "?" + new URLSearchParams(kept).toString());
}

const fetcher = GraphiQL.createFetcher({
  url: fetchURL,
  subscriptionUrl: subscriptionURL.toString(),
});

function App() {
  return React.createElement(GraphiQL, {
    fetcher: fetcher,
    defaultEditorToolsVisibility: true,
    query: parameters.q,
    variables: parameters.variables,
    onEditQuery: (query) => updateURL({ q: query }),
    onEditVariables: (variables) => updateURL({ variables: variables }),
    isHeadersEditorEnabled: true,
    shouldPersistHeaders: true,
  });
}

ReactDOM.createRoot(document.getElementById("graphiql")).render(React.createElement(App));
