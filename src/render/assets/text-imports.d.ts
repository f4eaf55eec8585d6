// The page assets are imported as text (`with { type: "text" }`), see ../assets.ts.
declare module "*.css" {
  const text: string;
  export default text;
}
declare module "*/panko.js" {
  const text: string;
  export default text;
}
